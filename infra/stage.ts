/**
 * Every setting that differs between stages, in one place. `production` is the protected stage with the full
 * architecture; every other stage (dev, a feature branch, a teammate's name) is disposable and, unless asked for the
 * full profile, lean: no EKS, DocumentDB, MemoryDB or Redshift. No stage needs a domain: without `CLOUDCAFE_DOMAIN` it
 * serves at CloudFront's and API Gateway's own domains.
 */

export const APP_NAME = "cloudcafe";
export const PRODUCTION_STAGE = "production";
/** The AWS provider version the SST platform of `sst@4.17.1` requires. */
export const AWS_PROVIDER_VERSION = "7.20.0";
/** The Kubernetes provider the menu workload is declared with, on the SST-built EKS cluster. */
export const KUBERNETES_PROVIDER_VERSION = "4.34.2";
/** The image builder SST's own container components use (the platform of `sst@4.17.1` ships it). */
export const DOCKER_BUILD_PROVIDER_VERSION = "0.0.14";
/**
 * The Route 53 hosted zone the operator owns, read when the program runs (`sst deploy`, `sst dev`, `sst diff`), never
 * committed; optional. With it, production serves at its apex and every other stage at `<stage>.<zone>`.
 */
export const DOMAIN_VARIABLE = "CLOUDCAFE_DOMAIN";
/** `lean` (the default outside production) or `full` (production's architecture, sized for a stage that is not it). */
export const PROFILE_VARIABLE = "CLOUDCAFE_PROFILE";
/**
 * Who creates the account-wide audit and compliance resources (one CloudTrail trail, the one AWS Config recorder and
 * delivery channel an account may have per region, the Config rules): `create` (production's default), `existing`
 * (the account already records Config: only the rules are added) or `none` (every other stage's default).
 */
export const ACCOUNT_BASELINE_VARIABLE = "CLOUDCAFE_ACCOUNT_BASELINE";
/**
 * The payment processor's reserved concurrency. Lambda keeps 100 of the account's concurrency unreserved, so reserving
 * 100 needs a quota of at least 200 (new accounts may start lower): production reserves it, other stages reserve
 * none unless this variable says how many.
 */
export const PAYMENT_CONCURRENCY_VARIABLE = "CLOUDCAFE_PAYMENT_RESERVED_CONCURRENCY";

export type ProfileName = "lean" | "full";
export type AccountBaseline = "create" | "existing" | "none";
/**
 * Stage names go into resource names AWS caps at a length (`cloudcafe-<stage>-alb` at 32, Lattice services at 40,
 * Lambda functions at 64): names stay within every cap for stages of up to this many characters.
 */
export const MAX_STAGE_NAME_LENGTH = 18;

export interface StageDomain {
  /** The hosted zone (`CLOUDCAFE_DOMAIN`): certificate validation and the ALB/CloudFront records are written there. */
  readonly zone: string;
  /** The stage's own name under the zone; the ALB is `api.<name>`, CloudFront `<name>`. */
  readonly name: string;
}

/** Everything about a stage that does not depend on the deploying operator's environment. */
interface StageProfile {
  readonly production: boolean;
  readonly profile: ProfileName;
  /** The parts the lean profile leaves out; their services run as Lambda or Fargate, or on the local stand-ins in `sst dev`. */
  readonly includes: { readonly eks: boolean; readonly documentDb: boolean; readonly memoryDb: boolean; readonly redshift: boolean };
  /** Fewest order service tasks on Fargate (the architecture's 2 in the full profile). */
  readonly orderMinTasks: number;
  readonly region: string;
  /** Region of the Aurora cross-region replica; production only. */
  readonly replicaRegion?: string;
  readonly removal: "remove" | "retain";
  readonly deletionProtection: boolean;
  readonly logRetentionDays: 7 | 30;
  readonly aurora: {
    /** Graviton classes only. */
    readonly instanceClass: string;
    readonly instances: number;
    /** `max_connections` Aurora PostgreSQL derives from the class memory; the connection alarm fires at 80%. */
    readonly maxConnections: number;
    readonly backupRetentionDays: number;
  };
  readonly cache: { readonly nodeType: string; readonly nodes: number };
  readonly memoryDb: { readonly nodeType: string; readonly replicasPerShard: number };
  readonly documentDb: { readonly instanceClass: string; readonly instances: number };
  readonly redshift: { readonly baseCapacityRpus: number };
  readonly eks: {
    readonly nodeInstanceTypes: readonly string[];
    readonly minNodes: number;
    readonly maxNodes: number;
    readonly desiredNodes: number;
  };
  /** Loyalty Auto Scaling group and the analytics worker. */
  readonly ec2InstanceType: string;
  readonly dailyBudgetUsd: number;
  /**
   * `PAYMENT_INIT_DELAY_MS` of the payment processor: extra initialisation per cold start. 0 serves real traffic; 3000
   * rehearses the architecture's "all cold starts (3 s delay)" avalanche (infra/README.md).
   */
  readonly paymentInitDelayMs: number;
  /**
   * `PAYMENT_FRAUD_ROUNDS`: SHA-256 rounds of the payment processor's fraud screen per payment, the avalanche's
   * CPU-intensive fraud validation. 0 skips the screen.
   */
  readonly paymentFraudRounds: number;
}

export interface StageSettings extends StageProfile {
  /** Absent: CloudFront's and API Gateway's own domains, no certificate, no Route 53 records. */
  readonly domain?: StageDomain;
  readonly accountBaseline: AccountBaseline;
  /** Absent: the payment processor draws on the account's unreserved concurrency. */
  readonly paymentReservedConcurrency?: number;
}

const everything = { eks: true, documentDb: true, memoryDb: true, redshift: true } as const;

const production: StageProfile = {
  production: true,
  profile: "full",
  includes: everything,
  orderMinTasks: 2,
  region: "us-east-1",
  replicaRegion: "us-west-2",
  removal: "retain",
  deletionProtection: true,
  logRetentionDays: 30,
  aurora: { instanceClass: "db.r6g.large", instances: 2, maxConnections: 1802, backupRetentionDays: 7 },
  cache: { nodeType: "cache.r6g.large", nodes: 2 },
  memoryDb: { nodeType: "db.r6g.large", replicasPerShard: 1 },
  documentDb: { instanceClass: "db.r6g.large", instances: 2 },
  redshift: { baseCapacityRpus: 32 },
  eks: { nodeInstanceTypes: ["m6i.large", "m5.large", "m6a.large"], minNodes: 3, maxNodes: 10, desiredNodes: 3 },
  ec2InstanceType: "t3.large",
  dailyBudgetUsd: 40,
  paymentInitDelayMs: 0,
  paymentFraudRounds: 0,
};

/** The full architecture at small sizes, for a stage that is not production (`CLOUDCAFE_PROFILE=full`). */
const development: StageProfile = {
  production: false,
  profile: "full",
  includes: everything,
  orderMinTasks: 2,
  region: "us-east-1",
  removal: "remove",
  deletionProtection: false,
  logRetentionDays: 7,
  aurora: { instanceClass: "db.t4g.medium", instances: 1, maxConnections: 405, backupRetentionDays: 7 },
  cache: { nodeType: "cache.t4g.micro", nodes: 1 },
  memoryDb: { nodeType: "db.t4g.small", replicasPerShard: 0 },
  documentDb: { instanceClass: "db.t4g.medium", instances: 1 },
  redshift: { baseCapacityRpus: 8 },
  eks: { nodeInstanceTypes: ["t3.large", "t3a.large"], minNodes: 2, maxNodes: 4, desiredNodes: 2 },
  ec2InstanceType: "t3.medium",
  dailyBudgetUsd: 40,
  paymentInitDelayMs: 0,
  paymentFraudRounds: 0,
};

/** A personal stage: what the order-to-payment flow needs, one order task, nothing the lean profile leaves out. */
const lean: StageProfile = {
  ...development,
  profile: "lean",
  includes: { eks: false, documentDb: false, memoryDb: false, redshift: false },
  orderMinTasks: 1,
};

type Environment = Readonly<Record<string, string | undefined>>;

function stageProfile(stage: string, env: Environment = {}): StageProfile {
  const asked = env[PROFILE_VARIABLE]?.trim().toLowerCase() || undefined;
  if (asked !== undefined && asked !== "lean" && asked !== "full") {
    throw new Error(`${PROFILE_VARIABLE}="${asked}" is not a profile: use lean or full`);
  }
  if (stage === PRODUCTION_STAGE) {
    if (asked === "lean") throw new Error(`${PROFILE_VARIABLE}=lean: production keeps the full architecture`);
    return production;
  }
  return asked === "full" ? development : lean;
}

function accountBaseline(stage: string, env: Environment): AccountBaseline {
  const given = env[ACCOUNT_BASELINE_VARIABLE]?.trim().toLowerCase() || undefined;
  if (given === undefined) return stage === PRODUCTION_STAGE ? "create" : "none";
  if (given === "create" || given === "existing" || given === "none") return given;
  throw new Error(`${ACCOUNT_BASELINE_VARIABLE}="${given}" is not one of create, existing, none`);
}

function paymentReservedConcurrency(stage: string, env: Environment): number | undefined {
  const given = env[PAYMENT_CONCURRENCY_VARIABLE]?.trim();
  if (!given) return stage === PRODUCTION_STAGE ? 100 : undefined;
  const reserved = Number(given);
  if (!Number.isInteger(reserved) || reserved < 0) throw new Error(`${PAYMENT_CONCURRENCY_VARIABLE}="${given}" is not a whole number`);
  return reserved === 0 ? undefined : reserved;
}

/** The settings the program builds a stage from; throws, naming the variable, on a value it cannot use. */
export function stageSettings(stage: string, env: Environment = process.env): StageSettings {
  if (stage.length > MAX_STAGE_NAME_LENGTH) {
    throw new Error(`stage "${stage}" is longer than ${MAX_STAGE_NAME_LENGTH} characters, which AWS's name limits allow here`);
  }
  const domain = stageDomain(stage, env);
  const reserved = paymentReservedConcurrency(stage, env);
  return {
    ...stageProfile(stage, env),
    ...(domain ? { domain } : {}),
    accountBaseline: accountBaseline(stage, env),
    ...(reserved === undefined ? {} : { paymentReservedConcurrency: reserved }),
  };
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The stage's names under `CLOUDCAFE_DOMAIN`, or undefined when it is not set (the default AWS domains). */
export function stageDomain(stage: string, env: Environment = process.env): StageDomain | undefined {
  const given = env[DOMAIN_VARIABLE]?.trim();
  if (!given) return undefined;
  const zone = given.toLowerCase().replace(/\.$/, "");
  const labels = zone.split(".");
  if (labels.length < 2 || zone.length > 253 || !labels.every((label) => DNS_LABEL.test(label))) {
    throw new Error(`${DOMAIN_VARIABLE}="${given}" is not a domain name (a Route 53 hosted zone such as cafe.example.org)`);
  }
  if (stage === PRODUCTION_STAGE) return { zone, name: zone };
  const label = stage.toLowerCase();
  if (!DNS_LABEL.test(label)) {
    throw new Error(`stage "${stage}" cannot be a DNS label under ${DOMAIN_VARIABLE}=${zone}: use letters, digits and hyphens`);
  }
  return { zone, name: `${label}.${zone}` };
}

/** The `app()` block of sst.config.ts: runs for every CLI command (secrets too), so it needs no domain. */
export function appSettings(stage: string | undefined) {
  const settings = stageProfile(stage ?? "dev");
  return {
    name: APP_NAME,
    removal: settings.removal,
    protect: settings.production,
    home: "aws" as const,
    providers: {
      aws: { version: AWS_PROVIDER_VERSION, region: settings.region as "us-east-1" },
      kubernetes: { version: KUBERNETES_PROVIDER_VERSION },
      "docker-build": { version: DOCKER_BUILD_PROVIDER_VERSION },
    },
  };
}

/** The same retention as SST's component `logging.retention` wording. */
export function sstLogRetention(settings: StageProfile): "1 week" | "1 month" {
  return settings.logRetentionDays === 30 ? "1 month" : "1 week";
}

/**
 * In `sst dev` the functions and the order service run on the laptop, outside the VPC, so they use the local
 * platform's PostgreSQL and Redis (`npm start`) instead of Aurora and ElastiCache; everything else is the stage's AWS.
 */
export const SST_DEV_ENGINES = { host: "127.0.0.1", postgresUser: "postgres", gatewayUrl: "http://127.0.0.1:3000" } as const;

/**
 * Every setting that differs between stages, in one place. `production` is the protected, full-size stage; every
 * other stage (dev, a feature branch, a teammate's name) gets the cheaper, disposable settings.
 */

export const APP_NAME = "cloudcafe";
export const PRODUCTION_STAGE = "production";
/** The AWS provider version the SST platform of `sst@4.17.1` requires. */
export const AWS_PROVIDER_VERSION = "7.20.0";

export interface StageSettings {
  readonly production: boolean;
  readonly region: string;
  /** Region of the Aurora cross-region replica; production only. */
  readonly replicaRegion?: string;
  readonly removal: "remove" | "retain";
  readonly deletionProtection: boolean;
  readonly logRetentionDays: 7 | 30;
  /** The hosted zone (Route 53) the ALB and CloudFront names live under. */
  readonly domain: string;
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
}

const production: StageSettings = {
  production: true,
  region: "us-east-1",
  replicaRegion: "us-west-2",
  removal: "retain",
  deletionProtection: true,
  logRetentionDays: 30,
  domain: "cloudcafe.example.com",
  aurora: { instanceClass: "db.r6g.large", instances: 2, maxConnections: 1802, backupRetentionDays: 7 },
  cache: { nodeType: "cache.r6g.large", nodes: 2 },
  memoryDb: { nodeType: "db.r6g.large", replicasPerShard: 1 },
  documentDb: { instanceClass: "db.r6g.large", instances: 2 },
  redshift: { baseCapacityRpus: 32 },
  eks: { nodeInstanceTypes: ["m6i.large", "m5.large", "m6a.large"], minNodes: 3, maxNodes: 10, desiredNodes: 3 },
  ec2InstanceType: "t3.large",
  dailyBudgetUsd: 40,
};

const development: StageSettings = {
  production: false,
  region: "us-east-1",
  removal: "remove",
  deletionProtection: false,
  logRetentionDays: 7,
  domain: "dev.cloudcafe.example.com",
  aurora: { instanceClass: "db.t4g.medium", instances: 1, maxConnections: 405, backupRetentionDays: 7 },
  cache: { nodeType: "cache.t4g.micro", nodes: 1 },
  memoryDb: { nodeType: "db.t4g.small", replicasPerShard: 0 },
  documentDb: { instanceClass: "db.t4g.medium", instances: 1 },
  redshift: { baseCapacityRpus: 8 },
  eks: { nodeInstanceTypes: ["t3.large", "t3a.large"], minNodes: 2, maxNodes: 4, desiredNodes: 2 },
  ec2InstanceType: "t3.medium",
  dailyBudgetUsd: 40,
};

export function stageSettings(stage: string): StageSettings {
  return stage === PRODUCTION_STAGE ? production : development;
}

/** The `app()` block of sst.config.ts. */
export function appSettings(stage: string | undefined) {
  const settings = stageSettings(stage ?? "dev");
  return {
    name: APP_NAME,
    removal: settings.removal,
    protect: settings.production,
    home: "aws" as const,
    providers: { aws: { version: AWS_PROVIDER_VERSION, region: settings.region as "us-east-1" } },
  };
}

/** The same retention as SST's component `logging.retention` wording. */
export function sstLogRetention(settings: StageSettings): "1 week" | "1 month" {
  return settings.logRetentionDays === 30 ? "1 month" : "1 week";
}

/**
 * In `sst dev` the functions and the order service run on the laptop, outside the VPC, so they use the local
 * platform's PostgreSQL and Redis (`npm start`) instead of Aurora and ElastiCache; everything else is the stage's AWS.
 */
export const SST_DEV_ENGINES = { host: "127.0.0.1", postgresUser: "postgres" } as const;

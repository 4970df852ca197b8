import { cacheTtlSeconds } from "@cloudcafe/catalog";
import {
  type CacheConnection,
  cacheConnection,
  cacheLink,
  type DatabaseConnection,
  databaseConnection,
  databaseLink,
  httpServiceEnvironment,
  isLocalHost,
  operatorTokenLink,
  readEnvironment,
  readLinks,
} from "@cloudcafe/adapters";
import { type TierThresholds, tierThresholdsError } from "@cloudcafe/core";
import { z } from "zod";

const SERVICE = "loyalty service";

/** The SST links the Loyalty service declares (infra links exactly these). */
const links = z.object({
  Database: databaseLink,
  Cache: cacheLink,
  OperatorToken: operatorTokenLink,
});

const HOUR_MS = 60 * 60 * 1000;
const points = z.coerce.number().int().min(1).max(10_000_000);

const environment = httpServiceEnvironment.extend({
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** The points rule: points per whole dollar of a paid order. */
  LOYALTY_POINTS_PER_DOLLAR: z.coerce.number().int().min(1).max(100).default(1),
  /** Rolling 12-month points for each tier above BRONZE. */
  LOYALTY_TIER_SILVER_POINTS: points.default(500),
  LOYALTY_TIER_GOLD_POINTS: points.default(2_000),
  LOYALTY_TIER_PLATINUM_POINTS: points.default(5_000),
  /** Sliding lifetime of a console session (the architecture's user-sessions cache TTL). */
  LOYALTY_SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(cacheTtlSeconds.userSessions),
  /**
   * The service's own tier-recalculation loop, every this many ms; 0 turns it off. The laptop runs it hourly; the
   * deployed instances set 0, as the EventBridge schedule triggers the run there (once, through the NLB).
   */
  LOYALTY_BATCH_INTERVAL_MS: z.coerce.number().int().min(0).default(HOUR_MS),
  /** Rows per chunk the batch hands a pool thread; fixed, so a run's digest does not depend on the thread count. */
  LOYALTY_BATCH_CHUNK_ROWS: z.coerce.number().int().min(100).max(200_000).default(20_000),
  LOYALTY_BATCH_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** The batch's worker as a built file (the instance bundle ships it beside the server). */
  LOYALTY_BATCH_WORKER_FILE: z.string().min(1).optional(),
  /** Users seeded into an empty table at start; by default 100,000 on a local database and none deployed. */
  LOYALTY_SEED_USERS: z.coerce.number().int().min(0).max(100_000_000).optional(),
  /** The analytics warehouse the run aggregates go to; without it (the lean profile) they are not exported. */
  ANALYTICS_WORKGROUP_NAME: z.string().min(1).optional(),
  ANALYTICS_DATABASE_NAME: z.string().min(1).optional(),
});

export interface LoyaltyServiceConfig {
  port: number;
  host: string;
  database: DatabaseConnection;
  databasePoolMax: number;
  cache: CacheConnection;
  operatorToken: string | undefined;
  pointsPerDollar: number;
  thresholds: TierThresholds;
  sessionTtlSeconds: number;
  batch: { intervalMs: number; chunkRows: number; threads: number | undefined; workerFile: string | undefined };
  seedUsers: number;
  warehouse: { workgroupName: string; database: string } | undefined;
  stressWorkerFile: string | undefined;
}

const DEFAULT_LOCAL_SEED = 100_000;

/** The Loyalty service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus its env settings. */
export function loadLoyaltyServiceConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): LoyaltyServiceConfig {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  const thresholds: TierThresholds = {
    BRONZE: 0,
    SILVER: settings.LOYALTY_TIER_SILVER_POINTS,
    GOLD: settings.LOYALTY_TIER_GOLD_POINTS,
    PLATINUM: settings.LOYALTY_TIER_PLATINUM_POINTS,
  };
  const invalid = tierThresholdsError(thresholds);
  if (invalid) throw new Error(`${SERVICE} environment is invalid: tier thresholds: ${invalid}`);
  return {
    port: settings.PORT,
    host: settings.HOST,
    database: databaseConnection(linked.Database),
    databasePoolMax: settings.DATABASE_POOL_MAX,
    cache: cacheConnection(linked.Cache),
    operatorToken: linked.OperatorToken?.value,
    pointsPerDollar: settings.LOYALTY_POINTS_PER_DOLLAR,
    thresholds,
    sessionTtlSeconds: settings.LOYALTY_SESSION_TTL_SECONDS,
    batch: {
      intervalMs: settings.LOYALTY_BATCH_INTERVAL_MS,
      chunkRows: settings.LOYALTY_BATCH_CHUNK_ROWS,
      threads: settings.LOYALTY_BATCH_THREADS,
      workerFile: settings.LOYALTY_BATCH_WORKER_FILE,
    },
    seedUsers: settings.LOYALTY_SEED_USERS ?? (isLocalHost(linked.Database.host) ? DEFAULT_LOCAL_SEED : 0),
    warehouse:
      settings.ANALYTICS_WORKGROUP_NAME && settings.ANALYTICS_DATABASE_NAME
        ? { workgroupName: settings.ANALYTICS_WORKGROUP_NAME, database: settings.ANALYTICS_DATABASE_NAME }
        : undefined,
    stressWorkerFile: settings.STRESS_WORKER_FILE,
  };
}

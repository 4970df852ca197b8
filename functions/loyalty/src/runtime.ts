import { metricNamespaces } from "@cloudcafe/catalog";
import { createLoyaltyService } from "@cloudcafe/core";
import {
  createDatabase,
  createRedis,
  postgresLoyaltyRepository,
  postgresTierRunStore,
  redisSessionStore,
  redshiftDataClient,
  redshiftDataWarehouse,
  redshiftTierAggregates,
  seedUsers,
  usersTableIsEmpty,
} from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { SERVICE_NAME } from "./app.ts";
import { loadLoyaltyServiceConfig, type LoyaltyServiceConfig } from "./config.ts";
import { createTierRecalculation } from "./jobs/tier-recalculation.ts";

/**
 * Everything the Loyalty service runs on, built once per process from its config: the same wiring serves the
 * instance's server and the payment-results consumer.
 */
export function createLoyaltyRuntime(config: LoyaltyServiceConfig = loadLoyaltyServiceConfig()) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.loyalty, service: SERVICE_NAME });
  const database = createDatabase(config.database, {
    max: config.databasePoolMax,
    applicationName: SERVICE_NAME,
    onConnectionLost: (error) => logger.warn("database connection lost", { error: error.message }),
  });
  const redis = createRedis(config.cache);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));

  const service = createLoyaltyService({
    repository: postgresLoyaltyRepository(database),
    sessions: redisSessionStore(redis),
    rules: { pointsPerDollar: config.pointsPerDollar, thresholds: config.thresholds },
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const runs = postgresTierRunStore(database);
  const warehouse = config.warehouse ? redshiftTierAggregates(redshiftDataWarehouse({ client: redshiftDataClient(), ...config.warehouse })) : undefined;
  const recalculation = createTierRecalculation({
    database,
    runs,
    warehouse,
    thresholds: config.thresholds,
    chunkRows: config.batch.chunkRows,
    threads: config.batch.threads,
    workerFile: config.batch.workerFile,
    logger,
    metrics,
  });

  const checks = {
    postgres: () => database.query("SELECT 1"),
    redis: () => redis.ping(),
  };

  /** A fresh local database gets its synthetic population (COPY), before the service takes traffic. */
  async function prepare(): Promise<void> {
    if (config.seedUsers > 0 && (await usersTableIsEmpty(database))) {
      const started = performance.now();
      await seedUsers(database, { count: config.seedUsers, thresholds: config.thresholds });
      logger.info("seeded users into an empty users table", { users: config.seedUsers, ms: Math.round(performance.now() - started) });
    }
  }

  async function close(): Promise<void> {
    await recalculation.settled();
    redis.disconnect();
    await database.end();
  }

  return { config, logger, metrics, database, service, runs, recalculation, checks, prepare, close };
}

export type LoyaltyRuntime = ReturnType<typeof createLoyaltyRuntime>;

let shared: LoyaltyRuntime | undefined;

/** One runtime per Lambda execution environment (the payment-results consumer), created on first use. */
export function sharedLoyaltyRuntime(): LoyaltyRuntime {
  shared ??= createLoyaltyRuntime();
  return shared;
}

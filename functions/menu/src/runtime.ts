import { cacheTtlSeconds, metricNamespaces } from "@cloudcafe/catalog";
import { createMenuService } from "@cloudcafe/core";
import { createDocumentDb, createRedis, documentDbMenuRepository, redisMenuCache } from "@cloudcafe/adapters";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { SERVICE_NAME } from "./app.ts";
import { loadMenuServiceConfig, type MenuServiceConfig } from "./config.ts";

/** Everything the Menu service runs on, built once per process (a pod) from its config. */
export function createMenuRuntime(config: MenuServiceConfig = loadMenuServiceConfig()) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.menu, service: SERVICE_NAME });
  const documents = createDocumentDb(config.documents, { maxPoolSize: config.documentPoolMax });
  const redis = createRedis(config.cache);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));

  const repository = documentDbMenuRepository(documents, logger);
  const service = createMenuService({
    repository,
    cache: redisMenuCache(redis, logger, config.documents.database),
    ttlSeconds: { items: cacheTtlSeconds.menuItems, stores: cacheTtlSeconds.storeMetadata },
    onRead: ({ key, source }) => metrics.put(source === "cache" ? "CacheHit" : "CacheMiss", 1, "Count", { cache: key.split(":")[0]! }),
  });

  const checks = {
    documentdb: () => documents.run((db) => db.command({ ping: 1 })),
    redis: () => redis.ping(),
  };

  /** Indexes in place, and the starter menu in an empty collection; before the service takes traffic. */
  async function prepare(): Promise<void> {
    await repository.ensureIndexes();
    if (config.loadStarterMenu && (await service.loadStarterMenu())) logger.info("loaded the starter menu into an empty menu_configs");
  }

  async function close(): Promise<void> {
    redis.disconnect();
    await documents.close();
  }

  return { config, logger, metrics, service, checks, prepare, close };
}

export type MenuRuntime = ReturnType<typeof createMenuRuntime>;

import { cacheTtlSeconds, metricNamespaces } from "@cloudcafe/catalog";
import { createMenuService } from "@cloudcafe/core";
import { createDatabase, createDocumentDb, createRedis, documentDbMenuRepository, postgresMenuRepository, redisMenuCache } from "@cloudcafe/adapters";
import type { MenuRepository } from "@cloudcafe/core";
import type { Logger, Metrics } from "@cloudcafe/observability";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { SERVICE_NAME } from "./app.ts";
import { loadMenuServiceConfig, type MenuServiceConfig, type MenuStoreConfig } from "./config.ts";

interface MenuStore {
  readonly repository: MenuRepository;
  readonly check: Record<string, () => Promise<unknown>>;
  /** A menu read was served (from the cache or the store): the store is in use. */
  inUse(): void;
  prepare(): Promise<void>;
  close(): Promise<void>;
}

/** The menu store the config names: its repository, a readiness check, what to do before traffic, and how to close. */
export function openMenuStore(store: MenuStoreConfig, logger: Logger, metrics?: Metrics): MenuStore {
  if (store.kind === "postgres") {
    const database = createDatabase(store.database, {
      max: store.poolMax,
      applicationName: "menu-service",
      onConnectionLost: (error) => logger.warn("database connection lost", { error: error.message }),
    });
    return {
      repository: postgresMenuRepository(database, logger),
      check: { postgres: () => database.query("select 1") },
      inUse: () => undefined,
      // The tables come with the one migration history, applied before a deploy.
      prepare: async () => undefined,
      close: () => database.end(),
    };
  }
  // DocumentDbErrors: what the documentdb-connection-exhaustion fault must move (packages/catalog faults.ts).
  // Reads served from the cache keep the client open (touch), so its monitor still sees a cluster that refuses connections.
  const documents = createDocumentDb(store.documents, {
    maxPoolSize: store.poolMax,
    onError: () => metrics?.put("DocumentDbErrors", 1, "Count"),
    ...(store.idleCloseSeconds !== undefined ? { idleCloseMs: store.idleCloseSeconds * 1_000 } : {}),
  });
  const repository = documentDbMenuRepository(documents, logger);
  return {
    repository,
    check: { documentdb: () => documents.run((db) => db.command({ ping: 1 })) },
    inUse: () => documents.touch(),
    prepare: () => repository.ensureIndexes(),
    close: () => documents.close(),
  };
}

/** Everything the Menu service runs on, built once per process (a pod) from its config. */
export function createMenuRuntime(config: MenuServiceConfig = loadMenuServiceConfig()) {
  const logger = createLogger({ service: SERVICE_NAME });
  const metrics = createMetrics({ namespace: metricNamespaces.menu, service: SERVICE_NAME });
  const store = openMenuStore(config.store, logger, metrics);
  const redis = createRedis(config.cache);
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));

  const service = createMenuService({
    repository: store.repository,
    cache: redisMenuCache(redis, logger, config.cacheNamespace),
    ttlSeconds: { items: cacheTtlSeconds.menuItems, stores: cacheTtlSeconds.storeMetadata },
    onRead: ({ key, source }) => {
      store.inUse();
      metrics.put(source === "cache" ? "CacheHit" : "CacheMiss", 1, "Count", { cache: key.split(":")[0]! });
    },
  });

  const checks = {
    ...store.check,
    redis: () => redis.ping(),
  };

  /** Indexes in place, and the starter menu in an empty collection; before the service takes traffic. */
  async function prepare(): Promise<void> {
    await store.prepare();
    if (config.loadStarterMenu && (await service.loadStarterMenu())) logger.info("loaded the starter menu into an empty menu store", { store: config.store.kind });
  }

  async function close(): Promise<void> {
    redis.disconnect();
    await store.close();
  }

  return { config, logger, metrics, service, checks, prepare, close };
}

export type MenuRuntime = ReturnType<typeof createMenuRuntime>;

import { cacheTtlSeconds } from "@cloudcafe/catalog";
import { createMenuService, type MenuRepository } from "@cloudcafe/core";
import { createDocumentDb, createRedis, type DatabaseConnection, redisMenuCache } from "@cloudcafe/adapters";
import { dropDatabase as dropPostgresDatabase, ensureDatabase, withDatabase } from "@cloudcafe/local/engines/postgres";
import { migrateLocalDatabase } from "@cloudcafe/local/migrations";
import { freePort } from "@cloudcafe/local/process/net";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createMenuApp } from "../src/app.ts";
import { loadMenuServiceConfig, type MenuServiceConfig } from "../src/config.ts";
import { openMenuStore } from "../src/runtime.ts";

export const OPERATOR_TOKEN = "menu-test-operator-token";

/** The two menu stores the service runs on: DocumentDB (the architecture) and Aurora PostgreSQL (the lean profile). */
export const menuStores = ["documentdb", "postgres"] as const;
export type MenuStoreKind = (typeof menuStores)[number];

const serverUrlOf = (database: DatabaseConnection) => `postgres://${database.username}@${database.host}:${database.port}/postgres`;

/**
 * This run's Menu configuration on `store`, on a database of its own (`<run's database>-<name>` in the stand-in, or
 * `<run's database>_menu_<name>` in PostgreSQL), so a suite starts empty. Call `prepareDatabase` before using it.
 */
export function configOnOwnDatabase(name: string, store: MenuStoreKind = "documentdb"): MenuServiceConfig {
  const config = loadMenuServiceConfig({ ...process.env, MENU_STORE: store });
  if (config.store.kind === "postgres") {
    const database = `${config.store.database.database}_menu_${name.replaceAll("-", "_")}`;
    return { ...config, store: { ...config.store, database: { ...config.store.database, database } }, cacheNamespace: `${database}.menu`, operatorToken: OPERATOR_TOKEN };
  }
  const database = `${config.store.documents.database}-${name}`;
  const url = new URL(config.store.documents.url);
  url.pathname = `/${database}`;
  return { ...config, store: { ...config.store, documents: { ...config.store.documents, url: url.toString(), database } }, cacheNamespace: database, operatorToken: OPERATOR_TOKEN };
}

/** Creates and migrates a PostgreSQL suite's database, as a deploy migrates Aurora (the stand-in creates its own). */
export async function prepareDatabase(config: MenuServiceConfig): Promise<void> {
  if (config.store.kind !== "postgres") return;
  const server = serverUrlOf(config.store.database);
  await ensureDatabase(server, config.store.database.database);
  await migrateLocalDatabase(withDatabase(server, config.store.database.database));
}

export interface MenuFixture {
  app: ReturnType<typeof createMenuApp>;
  /** DocumentDB menu queries made so far (item reads). */
  queries(): number;
  close(): Promise<void>;
}

/**
 * The Menu app on the real driver and Redis, as its runtime wires it, with the item reads counted. `redis: "down"`
 * points its cache at a port nothing listens on. The indexes and the starter menu are in place.
 */
export async function menuFixture(config: MenuServiceConfig, options: { redis?: "up" | "down" } = {}): Promise<MenuFixture> {
  const logger = createLogger({ service: "menu-test" });
  const metrics = createMetrics({ namespace: "CloudCafe/Menu", service: "menu-test" });
  const store = openMenuStore(config.store, logger);
  const redis = createRedis(options.redis === "down" ? { ...config.cache, port: await freePort() } : config.cache);
  redis.on("error", () => undefined);
  const stored = store.repository;
  let queries = 0;
  const repository: MenuRepository = {
    ...stored,
    availableItems: (category) => {
      queries += 1;
      return stored.availableItems(category);
    },
  };
  const service = createMenuService({
    repository,
    cache: redisMenuCache(redis, logger, config.cacheNamespace),
    ttlSeconds: { items: cacheTtlSeconds.menuItems, stores: cacheTtlSeconds.storeMetadata },
  });
  await store.prepare();
  await service.loadStarterMenu();
  const app = createMenuApp({ service, logger, metrics, checks: {}, config });
  return {
    app,
    queries: () => queries,
    async close() {
      redis.disconnect();
      await store.close();
    },
  };
}

/** Drops the suite's database. */
export async function dropDatabase(config: MenuServiceConfig): Promise<void> {
  if (config.store.kind === "postgres") return dropPostgresDatabase(serverUrlOf(config.store.database), config.store.database.database);
  const documents = createDocumentDb(config.store.documents);
  try {
    await documents.run((db) => db.dropDatabase());
  } finally {
    await documents.close();
  }
}

/** `POST /api/menu/sync` with `body` (any JSON, or a text as it is), as the operator unless `token` says otherwise (`null`: none). */
export function postSync(app: MenuFixture["app"], body: unknown, token: string | null = OPERATOR_TOKEN) {
  return app.request("/api/menu/sync", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// Responses are JSON; tests assert on their shape.
export const bodyOf = async (res: Response): Promise<any> => res.json();

import { cacheTtlSeconds } from "@cloudcafe/catalog";
import { createMenuService, type MenuRepository } from "@cloudcafe/core";
import { createDocumentDb, createRedis, documentDbMenuRepository, redisMenuCache } from "@cloudcafe/adapters";
import { freePort } from "@cloudcafe/local/process/net";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createMenuApp } from "../src/app.ts";
import { loadMenuServiceConfig, type MenuServiceConfig } from "../src/config.ts";

export const OPERATOR_TOKEN = "menu-test-operator-token";

/** This run's Menu configuration, on a database of its own (`<run's database>-<name>`), so a suite starts empty. */
export function configOnOwnDatabase(name: string): MenuServiceConfig {
  const config = loadMenuServiceConfig();
  const database = `${config.documents.database}-${name}`;
  const url = new URL(config.documents.url);
  url.pathname = `/${database}`;
  return { ...config, documents: { ...config.documents, url: url.toString(), database }, operatorToken: OPERATOR_TOKEN };
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
  const documents = createDocumentDb(config.documents);
  const redis = createRedis(options.redis === "down" ? { ...config.cache, port: await freePort() } : config.cache);
  redis.on("error", () => undefined);
  const stored = documentDbMenuRepository(documents, logger);
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
    cache: redisMenuCache(redis, logger, config.documents.database),
    ttlSeconds: { items: cacheTtlSeconds.menuItems, stores: cacheTtlSeconds.storeMetadata },
  });
  await stored.ensureIndexes();
  await service.loadStarterMenu();
  const app = createMenuApp({ service, logger, metrics, checks: {}, config });
  return {
    app,
    queries: () => queries,
    async close() {
      redis.disconnect();
      await documents.close();
    },
  };
}

/** Drops the suite's database. */
export async function dropDatabase(config: MenuServiceConfig): Promise<void> {
  const documents = createDocumentDb(config.documents);
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

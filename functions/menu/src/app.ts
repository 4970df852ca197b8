import { metricServices, services } from "@cloudcafe/catalog";
import type { MenuService } from "@cloudcafe/core";
import { contractRoutes, createServiceApp, type DependencyCheck, healthRoutes, serveOpenApi, undocumented } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { StressRoutes } from "@cloudcafe/stress";
import type { MenuServiceConfig } from "./config.ts";
import { itemRoutes } from "./routes/items.ts";
import { storeRoutes } from "./routes/stores.ts";
import { syncRoutes } from "./routes/sync.ts";

/** Its logs' and metrics' `service`: the registry's documentDbErrors alarm reads its metrics by it. */
export const SERVICE_NAME = metricServices.menuService;

const { pathPrefix } = services.menu;

export interface MenuAppDeps {
  service: MenuService;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  /** The operator token guarding sync, and the body limit (a sync of 10,000 items is megabytes; no other route takes a body). */
  config: Pick<MenuServiceConfig, "operatorToken" | "syncBodyLimitBytes">;
  /** The stress controls (the menu sync storm). */
  stressRoutes?: StressRoutes;
}

/**
 * The Menu service's Hono app (server.ts runs it in its pod). Its routes are served under the gateway prefix
 * `/api/menu` and listed in `/api/menu/openapi.json`.
 */
export function createMenuApp(deps: MenuAppDeps) {
  const items = itemRoutes(deps.service);
  const stores = storeRoutes(deps.service);
  const sync = syncRoutes(deps.service, deps.config.operatorToken, deps.metrics);
  // Typed as mounted either way, so one client type covers the app; without them the stress paths answer 404.
  const stress = deps.stressRoutes ?? (contractRoutes() as unknown as StressRoutes);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics, bodyLimitBytes: deps.config.syncBodyLimitBytes });
  serveOpenApi(app, pathPrefix, {
    title: "CloudCafe Menu service",
    version: "1",
    description: "The menu (DocumentDB, cached in Redis) by category, the stores, the central catalog's sync, health, and the menu sync storm.",
  });
  // The same routes without the prefix, for callers that reach the service directly; the document lists each once.
  app.route("/menu/items", undocumented(items)).route("/menu/stores", undocumented(stores)).route("/menu/sync", undocumented(sync)).route("/menu", undocumented(stress));
  return app
    .route("/", healthRoutes(SERVICE_NAME, deps.checks))
    .route(`${pathPrefix}/items`, items)
    .route(`${pathPrefix}/stores`, stores)
    .route(`${pathPrefix}/sync`, sync)
    .route(pathPrefix, stress);
}

export type MenuApp = ReturnType<typeof createMenuApp>;

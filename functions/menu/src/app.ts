import type { Hono } from "hono";
import { services } from "@cloudcafe/catalog";
import type { MenuService } from "@cloudcafe/core";
import { createServiceApp, type DependencyCheck, healthRoutes } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { MenuServiceConfig } from "./config.ts";
import { itemRoutes } from "./routes/items.ts";
import { storeRoutes } from "./routes/stores.ts";
import { syncRoutes } from "./routes/sync.ts";

export const SERVICE_NAME = "menu-service";

const { pathPrefix } = services.menu;

export interface MenuAppDeps {
  service: MenuService;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  /** The operator token guarding sync, and the body limit (a sync of 10,000 items is megabytes; no other route takes a body). */
  config: Pick<MenuServiceConfig, "operatorToken" | "syncBodyLimitBytes">;
  /** Extra routes mounted at `/menu` and `/api/menu` (the stress controls). */
  extraRoutes?: Hono;
}

/** The Menu service's Hono app (server.ts runs it in its pod), under `/api/menu` behind the ALB and `/menu` direct. */
export function createMenuApp(deps: MenuAppDeps) {
  const items = itemRoutes(deps.service);
  const stores = storeRoutes(deps.service);
  const sync = syncRoutes(deps.service, deps.config.operatorToken, deps.metrics);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics, bodyLimitBytes: deps.config.syncBodyLimitBytes }).route(
    "/",
    healthRoutes(SERVICE_NAME, deps.checks),
  );
  for (const prefix of ["/menu", pathPrefix]) {
    app.route(`${prefix}/items`, items).route(`${prefix}/stores`, stores).route(`${prefix}/sync`, sync);
    if (deps.extraRoutes) app.route(prefix, deps.extraRoutes);
  }
  return app;
}

export type MenuApp = ReturnType<typeof createMenuApp>;

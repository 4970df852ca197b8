import { metricServices, services } from "@cloudcafe/catalog";
import { type InventoryService, RESERVATIONS_PATH } from "@cloudcafe/core";
import { contractRoutes, createServiceApp, type DependencyCheck, healthRoutes, serveOpenApi, undocumented } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { StressRoutes } from "@cloudcafe/stress";
import type { InventoryServiceConfig } from "./config.ts";
import { reservationRoutes } from "./routes/reservations.ts";
import { stockRoutes } from "./routes/stock.ts";
import { updateRoutes } from "./routes/update.ts";

/** Its logs' and metrics' `service`: the registry's memoryDbUnreachable alarm reads its metrics by it. */
export const SERVICE_NAME = metricServices.inventoryService;

const { pathPrefix } = services.inventory;

export interface InventoryAppDeps {
  service: InventoryService;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  config: Pick<InventoryServiceConfig, "operatorToken">;
  /** The stress controls (the restock storm). */
  stressRoutes?: StressRoutes;
}

/**
 * The Inventory service's Hono app (server.ts runs it in its pod). The public routes are served under the gateway
 * prefix `/api/inventory`; the order flow's reservations under RESERVATIONS_PATH, which no public route reaches. Both
 * are listed in `/api/inventory/openapi.json`.
 */
export function createInventoryApp(deps: InventoryAppDeps) {
  const stock = stockRoutes(deps.service);
  const update = updateRoutes(deps.service, deps.config.operatorToken, deps.metrics);
  const stress = deps.stressRoutes ?? (contractRoutes() as unknown as StressRoutes);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics });
  serveOpenApi(app, pathPrefix, {
    title: "CloudCafe Inventory service",
    version: "1",
    description: "Stock per store (DynamoDB, mirrored to MemoryDB counters by the table's stream), operator updates, the order flow's reservations, and the restock storm.",
  });
  app.route("/inventory/store", undocumented(stock)).route("/inventory/update", undocumented(update)).route("/inventory", undocumented(stress));
  return app
    .route("/", healthRoutes(SERVICE_NAME, deps.checks))
    .route(`${pathPrefix}/store`, stock)
    .route(`${pathPrefix}/update`, update)
    .route(RESERVATIONS_PATH, reservationRoutes(deps.service, deps.metrics))
    .route(pathPrefix, stress);
}

export type InventoryApp = ReturnType<typeof createInventoryApp>;

import { services } from "@cloudcafe/catalog";
import type { OrderService } from "@cloudcafe/core";
import { contractRoutes, createServiceApp, type DependencyCheck, healthRoutes, serveOpenApi, undocumented } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import type { StressRoutes } from "@cloudcafe/stress";
import { baristaRoutes } from "./routes/barista.ts";
import { orderRoutes } from "./routes/orders.ts";

export const SERVICE_NAME = "order-service";

const { pathPrefix } = services.order;

export interface OrderAppDeps {
  service: OrderService;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  /** The stress controls (container only: a Lambda invocation cannot outlive its request, so it mounts none). */
  stressRoutes?: StressRoutes;
  /** Staff actions (the barista's stages) need it; without it they are refused. */
  operatorToken?: string | undefined;
}

/**
 * The Order service's Hono app, shared by the container entry (server.ts) and the Lambda entry (lambda.ts). Its
 * routes are served under the gateway prefix `/api/orders` and listed in `/api/orders/openapi.json`.
 */
export function createOrderApp(deps: OrderAppDeps) {
  const orders = orderRoutes(deps.service, deps.metrics);
  const barista = baristaRoutes(deps.service, deps.metrics, deps.operatorToken);
  // Typed as mounted either way, so one client type covers both entries; without them the stress paths answer 404.
  const stress = deps.stressRoutes ?? (contractRoutes() as unknown as StressRoutes);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics });
  // Before `/:id`, which would otherwise take `openapi.json` for an order id.
  serveOpenApi(app, pathPrefix, {
    title: "CloudCafe Order service",
    version: "1",
    description: "Orders, priced on the server from the Menu service and paid asynchronously; health; the operator's stress controls.",
  });
  // The same routes without the prefix, for callers that reach the service directly; the document lists each once.
  app.route("/orders", undocumented(orders)).route("/orders", undocumented(barista)).route("/", undocumented(stress));
  return app
    .route("/", healthRoutes(SERVICE_NAME, deps.checks))
    .route(pathPrefix, barista)
    .route(pathPrefix, orders)
    .route(pathPrefix, stress);
}

export type OrderApp = ReturnType<typeof createOrderApp>;

import type { Hono } from "hono";
import type { OrderService } from "@cloudcafe/core";
import { createServiceApp, type DependencyCheck, healthRoutes } from "@cloudcafe/http";
import type { Logger, Metrics } from "@cloudcafe/observability";
import { orderRoutes } from "./routes/orders.ts";

export const SERVICE_NAME = "order-service";

export interface OrderAppDeps {
  service: OrderService;
  logger: Logger;
  metrics: Metrics;
  checks: Record<string, DependencyCheck>;
  /** Extra routes mounted at `/` and `/api/orders` (the stress controls). */
  extraRoutes?: Hono;
}

/** The Order service's Hono app, shared by the container entry (server.ts) and the Lambda entry (lambda.ts). */
export function createOrderApp(deps: OrderAppDeps) {
  const orders = orderRoutes(deps.service, deps.metrics);
  const app = createServiceApp({ logger: deps.logger, metrics: deps.metrics })
    .route("/", healthRoutes(SERVICE_NAME, deps.checks))
    .route("/orders", orders)
    .route("/api/orders", orders);
  if (deps.extraRoutes) {
    app.route("/", deps.extraRoutes);
    app.route("/api/orders", deps.extraRoutes);
  }
  return app;
}

export type OrderApp = ReturnType<typeof createOrderApp>;

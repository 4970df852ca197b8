import { Hono } from "hono";
import { createOrderSchema, idempotencyKeySchema, orderIdSchema, type OrderService, parseOrThrow } from "@cloudcafe/core";
import { addToContext, type Metrics } from "@cloudcafe/observability";
import { readJson } from "@cloudcafe/http";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** POST / and GET /:id, mounted at /orders (direct) and /api/orders (behind the ALB / API Gateway). */
export function orderRoutes(service: OrderService, metrics: Metrics) {
  return new Hono()
    .post("/", async (c) => {
      const started = performance.now();
      const header = c.req.header(IDEMPOTENCY_KEY_HEADER);
      const idempotencyKey = header === undefined ? undefined : parseOrThrow(idempotencyKeySchema, header, `${IDEMPOTENCY_KEY_HEADER} header`);
      const input = await readJson(c, createOrderSchema);
      addToContext({ customerId: input.customerId });
      const { order, replayed } = await service.placeOrder(input, idempotencyKey);
      addToContext({ orderId: order.orderId });
      metrics.put("OrderCreationDuration", performance.now() - started, "Milliseconds");
      if (!replayed) metrics.put("OrdersCreated", 1, "Count", { store_id: order.storeId });
      c.header("Location", `${c.req.path.replace(/\/$/, "")}/${order.orderId}`);
      if (replayed) c.header("Idempotent-Replayed", "true");
      return c.json(order, 201);
    })
    .get("/:id", async (c) => {
      const orderId = parseOrThrow(orderIdSchema, c.req.param("id"), "order id");
      const order = await service.getOrder(orderId);
      addToContext({ customerId: order.customerId, orderId });
      return c.json(order, 200);
    });
}

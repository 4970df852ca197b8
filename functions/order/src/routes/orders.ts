import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { createOrderSchema, idempotencyKeySchema, listOrdersQuerySchema, orderIdSchema, orderPageSchema, orderSchema, type OrderService } from "@cloudcafe/core";
import { addToContext, type Metrics } from "@cloudcafe/observability";
import { contractRoutes, errorResponses, jsonBody, jsonContent } from "@cloudcafe/http";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

const tags = ["orders"];

const placeOrder = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Place an order",
  description: "Priced on the server from the menu; accepted once it is committed with its outbox rows, then paid asynchronously.",
  request: {
    headers: z.object({
      [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema
        .optional()
        .describe("Retries with the same key return the first order (`Idempotent-Replayed: true`); the same key with another body is 409."),
    }),
    body: jsonBody(createOrderSchema),
  },
  responses: {
    201: {
      description: "The priced order, PENDING until its payment settles",
      headers: z.object({
        Location: z.string().describe("The order's URL"),
        "Idempotent-Replayed": z.literal("true").optional().describe("Present when the answer is the first order of this Idempotency-Key"),
      }),
      content: jsonContent(orderSchema),
    },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "IDEMPOTENCY_KEY_REUSED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const getOrder = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "Read an order",
  description: "From Redis, else the DynamoDB hot copy, else PostgreSQL.",
  request: { params: z.object({ id: orderIdSchema }) },
  responses: {
    200: { description: "The order", content: jsonContent(orderSchema) },
    ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
  },
});

const listOrders = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "A customer's orders, newest first",
  description:
    "The order history the console shows on any device, a page at a time (`nextCursor`), from PostgreSQL. Order ids " +
    "and customer ids are opaque and orders carry no personal data; a deployment with real customers reads the signed-in " +
    "customer's id from their session instead of the query.",
  request: { query: listOrdersQuerySchema },
  responses: {
    200: { description: "One page of orders", content: jsonContent(orderPageSchema) },
    ...errorResponses("VALIDATION_FAILED", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** POST /, GET / and GET /:id, mounted at /orders (direct) and /api/orders (behind the ALB / API Gateway). */
export function orderRoutes(service: OrderService, metrics: Metrics) {
  return contractRoutes()
    .openapi(placeOrder, async (c) => {
      const started = performance.now();
      const { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } = c.req.valid("header");
      const input = c.req.valid("json");
      addToContext({ customerId: input.customerId });
      const { order, replayed } = await service.placeOrder(input, idempotencyKey);
      addToContext({ orderId: order.orderId });
      metrics.put("OrderCreationDuration", performance.now() - started, "Milliseconds");
      if (!replayed) metrics.put("OrdersCreated", 1, "Count", { store_id: order.storeId });
      c.header("Location", `${c.req.path.replace(/\/$/, "")}/${order.orderId}`);
      if (replayed) c.header("Idempotent-Replayed", "true");
      return c.json(order, 201);
    })
    .openapi(listOrders, async (c) => {
      const query = c.req.valid("query");
      addToContext({ customerId: query.customerId });
      return c.json(await service.listOrders(query), 200);
    })
    .openapi(getOrder, async (c) => {
      const { id: orderId } = c.req.valid("param");
      const order = await service.getOrder(orderId);
      addToContext({ customerId: order.customerId, orderId });
      return c.json(order, 200);
    });
}

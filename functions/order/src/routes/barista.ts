import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { advanceOrderSchema, cancelOrderSchema, orderIdSchema, orderSchema, type OrderService, storeIdSchema, storeQueueSchema } from "@cloudcafe/core";
import { addToContext, type Metrics } from "@cloudcafe/observability";
import { contractRoutes, errorResponses, jsonBody, jsonContent, operatorSecurity, requireOperator } from "@cloudcafe/http";

const tags = ["barista"];

const storeQueue = createRoute({
  method: "get",
  path: "/stores/{storeId}/queue",
  tags,
  summary: "A store's queue",
  description: "Paid, preparing and ready orders of one store, oldest first: the barista's work list and the pickup board.",
  request: { params: z.object({ storeId: storeIdSchema }) },
  responses: {
    200: { description: "The queue", content: jsonContent(storeQueueSchema) },
    ...errorResponses("VALIDATION_FAILED", "DEPENDENCY_UNAVAILABLE"),
  },
});

const advanceOrder = createRoute({
  method: "post",
  path: "/{id}/stage",
  tags,
  summary: "Move a paid order to its next stage",
  description:
    "PREPARING from PAID, READY from PREPARING, COLLECTED from READY, each with its order event. Asking again for the " +
    "stage the order is at answers 200 and changes nothing; any other move is 409. Staff only (the operator token).",
  security: operatorSecurity,
  request: { params: z.object({ id: orderIdSchema }), body: jsonBody(advanceOrderSchema) },
  responses: {
    200: { description: "The order at its new stage", content: jsonContent(orderSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const cancelOrder = createRoute({
  method: "post",
  path: "/{id}/cancel",
  tags,
  summary: "Cancel a paid order and refund it",
  description:
    "From PAID, PREPARING or READY: CANCELLED with the reason, and its refund sent to the payment processor in the same " +
    "transaction; REFUNDED once the refund is settled. Cancelling again answers 200 unchanged; a collected or unpaid " +
    "order is 409. Staff only (the operator token).",
  security: operatorSecurity,
  request: { params: z.object({ id: orderIdSchema }), body: jsonBody(cancelOrderSchema) },
  responses: {
    200: { description: "The cancelled order", content: jsonContent(orderSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** The barista's side of the order service: a store's queue, and the stages after payment (staff token). */
export function baristaRoutes(service: OrderService, metrics: Metrics, operatorToken: string | undefined) {
  const routes = contractRoutes();
  routes.use("/:id/stage", requireOperator(operatorToken));
  routes.use("/:id/cancel", requireOperator(operatorToken));
  return routes
    .openapi(storeQueue, async (c) => {
      const { storeId } = c.req.valid("param");
      return c.json(await service.storeQueue(storeId), 200);
    })
    .openapi(advanceOrder, async (c) => {
      const { id: orderId } = c.req.valid("param");
      const { stage } = c.req.valid("json");
      const { order, changed } = await service.advanceOrder(orderId, stage);
      addToContext({ customerId: order.customerId, orderId });
      if (changed) metrics.put("OrderStageChanges", 1, "Count", { stage, store_id: order.storeId });
      return c.json(order, 200);
    })
    .openapi(cancelOrder, async (c) => {
      const { id: orderId } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const { order, changed } = await service.cancelOrder(orderId, reason);
      addToContext({ customerId: order.customerId, orderId });
      if (changed) metrics.put("OrdersCancelled", 1, "Count", { store_id: order.storeId });
      return c.json(order, 200);
    });
}

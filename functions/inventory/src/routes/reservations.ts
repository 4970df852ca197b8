import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { type InventoryService, orderIdSchema, releaseRequestSchema, reservationRequestSchema, reserveResultSchema, settleResultSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonBody, jsonContent } from "@cloudcafe/http";
import type { Metrics } from "@cloudcafe/observability";

const tags = ["reservations"];
const orderParam = z.object({ orderId: orderIdSchema });

const reserve = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Reserve every line of an order, all or nothing",
  description:
    "One DynamoDB transaction: the order's reservation and each SKU's stock, each under a condition. Idempotent per order " +
    "id: the same order again answers its reservation (`replayed`). An outcome other than `reserved` holds nothing.",
  request: { body: jsonBody(reservationRequestSchema) },
  responses: {
    200: { description: "What became of the request", content: jsonContent(reserveResultSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "RATE_LIMITED", "OVERLOADED", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const commit = createRoute({
  method: "post",
  path: "/{orderId}/commit",
  tags,
  summary: "Take the reserved stock: the order is paid",
  request: { params: orderParam },
  responses: {
    200: { description: "What the commit did", content: jsonContent(settleResultSchema) },
    ...errorResponses("VALIDATION_FAILED", "DEPENDENCY_UNAVAILABLE"),
  },
});

const release = createRoute({
  method: "post",
  path: "/{orderId}/release",
  tags,
  summary: "Give the reserved stock back: the order will not be paid",
  description: "Releasing an order that reserved nothing leaves a released record, so a late reservation for it is refused.",
  request: { params: orderParam, body: jsonBody(releaseRequestSchema) },
  responses: {
    200: { description: "What the release did", content: jsonContent(settleResultSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const returnStock = createRoute({
  method: "post",
  path: "/{orderId}/return",
  tags,
  summary: "Put a paid order's stock back: the store cancelled it before making it",
  description: "A reservation still held is released instead; returning twice answers `already-returned` and moves nothing.",
  request: { params: orderParam, body: jsonBody(releaseRequestSchema) },
  responses: {
    200: { description: "What the return did", content: jsonContent(settleResultSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** The order flow's reservations, mounted at RESERVATIONS_PATH (outside the public prefix). */
export function reservationRoutes(service: InventoryService, metrics: Metrics) {
  return contractRoutes()
    .openapi(reserve, async (c) => {
      const result = await service.reserve(c.req.valid("json"));
      metrics.put("Reservations", 1, "Count", { outcome: result.outcome });
      return c.json(result, 200);
    })
    .openapi(commit, async (c) => {
      const result = await service.commit(c.req.valid("param").orderId);
      metrics.put("ReservationSettlements", 1, "Count", { outcome: result.outcome });
      return c.json(result, 200);
    })
    .openapi(release, async (c) => {
      const result = await service.release(c.req.valid("param").orderId, c.req.valid("json").reason);
      metrics.put("ReservationSettlements", 1, "Count", { outcome: result.outcome });
      return c.json(result, 200);
    })
    .openapi(returnStock, async (c) => {
      const result = await service.returnStock(c.req.valid("param").orderId, c.req.valid("json").reason);
      metrics.put("ReservationSettlements", 1, "Count", { outcome: result.outcome });
      return c.json(result, 200);
    });
}

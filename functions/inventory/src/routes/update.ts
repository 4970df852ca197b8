import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { idempotencyKeySchema, type InventoryService, stockUpdateResultSchema, stockUpdateSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity } from "@cloudcafe/http";
import type { Metrics } from "@cloudcafe/observability";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

const update = createRoute({
  method: "post",
  path: "/",
  tags: ["inventory"],
  summary: "Set or adjust one SKU's stock in one store, with the reason",
  description:
    "`set` makes onHand the quantity, `adjust` adds it (negative for a write-off). Stock never goes below what is reserved " +
    "for orders (409). The change is recorded with its reason. Rate limited per store (429 with Retry-After).",
  security: operatorSecurity,
  request: {
    headers: z.object({
      [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema
        .optional()
        .describe("A retry with the same key applies nothing again and answers `replayed: true`; the same key with another body is 409."),
    }),
    body: jsonBody(stockUpdateSchema),
  },
  responses: {
    200: { description: "The SKU's stock after the change", content: jsonContent(stockUpdateResultSchema) },
    ...errorResponses(
      "VALIDATION_FAILED",
      "MALFORMED_JSON",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "NOT_FOUND",
      "CONFLICT",
      "IDEMPOTENCY_KEY_REUSED",
      "RATE_LIMITED",
      "UNSUPPORTED_MEDIA_TYPE",
      "DEPENDENCY_UNAVAILABLE",
    ),
  },
});

/** POST /, mounted at /api/inventory/update; the operator token is checked before the body is read. */
export function updateRoutes(service: InventoryService, operatorToken: string | undefined, metrics: Metrics) {
  const routes = contractRoutes();
  guardWithOperatorToken(routes, operatorToken);
  return routes.openapi(update, async (c) => {
    const { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } = c.req.valid("header");
    const body = c.req.valid("json");
    const result = await service.updateStock(body, idempotencyKey);
    if (!result.replayed) metrics.put("StockUpdates", 1, "Count", { mode: body.mode });
    return c.json(result, 200);
  });
}

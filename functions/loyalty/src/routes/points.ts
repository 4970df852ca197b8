import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { customerIdSchema, type LoyaltyService, pointsSummarySchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonContent } from "@cloudcafe/http";

const points = createRoute({
  method: "get",
  path: "/{customerId}",
  tags: ["loyalty"],
  summary: "A customer's points: balance, tier, points to the next tier and the latest ledger entries",
  request: { params: z.object({ customerId: customerIdSchema }) },
  responses: {
    200: { description: "The customer's points", content: jsonContent(pointsSummarySchema) },
    ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** GET /:customerId, mounted at /api/loyalty/points. */
export function pointsRoutes(service: LoyaltyService) {
  return contractRoutes().openapi(points, async (c) => c.json(await service.points(c.req.valid("param").customerId), 200));
}

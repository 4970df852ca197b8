import { createRoute } from "@hono/zod-openapi";
import { accrualSchema, accrueRequestSchema, type LoyaltyService } from "@cloudcafe/core";
import { contractRoutes, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity } from "@cloudcafe/http";
import { addToContext, type Metrics } from "@cloudcafe/observability";

const accrue = createRoute({
  method: "post",
  path: "/",
  tags: ["loyalty"],
  summary: "Accrue a paid order's points, once per (customer, order)",
  description:
    "The service's own payment-results consumer accrues every paid order; this is the same operation for an operator. " +
    "The same order again answers as the first time (`replayed: true`) and adds nothing; with another amount it is 409.",
  security: operatorSecurity,
  request: { body: jsonBody(accrueRequestSchema) },
  responses: {
    200: { description: "The accrual (new or replayed)", content: jsonContent(accrualSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** POST /, mounted at /api/loyalty/accrue; the operator token is checked before the body is read. */
export function accrueRoutes(service: LoyaltyService, operatorToken: string | undefined, metrics: Metrics) {
  const routes = contractRoutes();
  guardWithOperatorToken(routes, operatorToken);
  return routes.openapi(accrue, async (c) => {
    const request = c.req.valid("json");
    addToContext({ customerId: request.customerId, orderId: request.orderId });
    const accrual = await service.accrue(request);
    metrics.put("PointsAccrued", accrual.replayed ? 0 : accrual.pointsEarned, "Count", { source: "api" });
    return c.json(accrual, 200);
  });
}

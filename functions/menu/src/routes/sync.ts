import { createRoute } from "@hono/zod-openapi";
import { MAX_SYNC_ITEMS, type MenuService, syncReportSchema, syncRequestSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity } from "@cloudcafe/http";
import type { Metrics } from "@cloudcafe/observability";

const sync = createRoute({
  method: "post",
  path: "/",
  tags: ["menu"],
  summary: `Upsert up to ${MAX_SYNC_ITEMS} items from the central catalog`,
  description:
    "Each item is checked on its own (its fields, its image against the declared SHA-256, a sku given twice): rejected items " +
    "change nothing and are listed with their reasons, the rest are applied. The same body again is all `unchanged`. " +
    `Over ${MAX_SYNC_ITEMS} items, or over the body limit: 413.`,
  security: operatorSecurity,
  request: { body: jsonBody(syncRequestSchema) },
  responses: {
    200: { description: "What the sync did", content: jsonContent(syncReportSchema) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** POST /, mounted at /api/menu/sync; the operator token is checked before the body is read. */
export function syncRoutes(service: MenuService, operatorToken: string | undefined, metrics: Metrics) {
  const routes = contractRoutes();
  guardWithOperatorToken(routes, operatorToken);
  return routes.openapi(sync, async (c) => {
    const started = performance.now();
    const report = await service.sync(c.req.valid("json").items);
    metrics.put("SyncDuration", performance.now() - started, "Milliseconds");
    for (const outcome of ["created", "updated", "unchanged", "rejected"] as const) metrics.put("SyncItems", report[outcome], "Count", { outcome });
    return c.json(report, 200);
  });
}

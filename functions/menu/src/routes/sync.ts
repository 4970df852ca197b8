import { Hono } from "hono";
import { type MenuService, syncRequestSchema } from "@cloudcafe/core";
import { readJson, requireOperator } from "@cloudcafe/http";
import type { Metrics } from "@cloudcafe/observability";

/**
 * POST /: the central catalog's bulk upsert (operator token), mounted at /api/menu/sync. The token is checked before
 * the body is read; the body limit (the service's) and the item cap both answer 413.
 */
export function syncRoutes(service: MenuService, operatorToken: string | undefined, metrics: Metrics) {
  return new Hono().use("*", requireOperator(operatorToken)).post("/", async (c) => {
    const started = performance.now();
    const { items } = await readJson(c, syncRequestSchema);
    const report = await service.sync(items);
    metrics.put("SyncDuration", performance.now() - started, "Milliseconds");
    for (const outcome of ["created", "updated", "unchanged", "rejected"] as const) metrics.put("SyncItems", report[outcome], "Count", { outcome });
    return c.json(report, 200);
  });
}

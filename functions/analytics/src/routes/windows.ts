import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError, MAX_MINUTES_RANGE_MS, minuteWindowSchema, storeSummarySchema, toMinuteWindow, type AnalyticsWarehousePort } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonContent } from "@cloudcafe/http";

const tags = ["analytics"];
const HOUR_MS = 60 * 60_000;

const storeMinutes = createRoute({
  method: "get",
  path: "/stores/{storeId}/minutes",
  tags,
  summary: "A store's one-minute windows",
  description: "Windows starting in [from, to), on event time; `to` defaults to now and `from` to an hour before `to`; at most 24 hours.",
  request: {
    params: z.object({ storeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/) }),
    query: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
  },
  responses: {
    200: { description: "The store's windows in time order (minutes without orders are left out)", content: jsonContent(z.object({ windows: z.array(minuteWindowSchema) })) },
    ...errorResponses("VALIDATION_FAILED", "DEPENDENCY_UNAVAILABLE"),
  },
});

const summary = createRoute({
  method: "get",
  path: "/summary",
  tags,
  summary: "Every store's last hour",
  description: "Orders placed and paid, revenue and average ticket per store over the windows of the last 60 minutes.",
  responses: {
    200: {
      description: "One entry per store with orders in the last hour",
      content: jsonContent(z.object({ from: z.iso.datetime(), to: z.iso.datetime(), stores: z.array(storeSummarySchema) })),
    },
    ...errorResponses("DEPENDENCY_UNAVAILABLE"),
  },
});

/** The warehouse not answering is a dependency outage for the caller, to retry. */
async function fromWarehouse<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new AppError("DEPENDENCY_UNAVAILABLE", "The analytics warehouse did not answer", { cause: error });
  }
}

function periodOf(query: { from?: string; to?: string }, now: number): { fromMs: number; toMs: number } {
  const toMs = query.to ? Date.parse(query.to) : now;
  const fromMs = query.from ? Date.parse(query.from) : toMs - HOUR_MS;
  if (fromMs >= toMs) throw new AppError("VALIDATION_FAILED", "from must be before to", { details: [{ path: "query.from", message: "must be before to" }] });
  if (toMs - fromMs > MAX_MINUTES_RANGE_MS) {
    throw new AppError("VALIDATION_FAILED", "The period is longer than 24 hours", { details: [{ path: "query.to", message: "at most 24 hours after from" }] });
  }
  return { fromMs, toMs };
}

export function windowRoutes(warehouse: AnalyticsWarehousePort, clock: () => number = Date.now) {
  return contractRoutes()
    .openapi(storeMinutes, async (c) => {
      const { storeId } = c.req.valid("param");
      const { fromMs, toMs } = periodOf(c.req.valid("query"), clock());
      const windows = await fromWarehouse(() => warehouse.storeWindows(storeId, fromMs, toMs));
      return c.json({ windows: windows.map(toMinuteWindow) }, 200);
    })
    .openapi(summary, async (c) => {
      const toMs = clock();
      const fromMs = toMs - HOUR_MS;
      const stores = await fromWarehouse(() => warehouse.summary(fromMs, toMs));
      return c.json({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), stores }, 200);
    });
}

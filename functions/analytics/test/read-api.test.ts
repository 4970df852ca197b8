import { testClient } from "hono/testing";
import type { StoreSummary } from "@cloudcafe/core";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { beforeAll, describe, expect, it } from "vitest";
import { runSchema } from "./support.ts";

useLocalEnv();
const { analyticsWarehouse } = await import("../src/runtime.ts");
const { createAnalyticsApp } = await import("../src/app.ts");

const MINUTE = 60_000;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
const { warehouse } = analyticsWarehouse({ workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME!, schema: runSchema() });
const app = createAnalyticsApp({
  warehouse,
  logger: createLogger({ service: "analytics-test", level: "ERROR" }),
  metrics: createMetrics({ namespace: "test", service: "analytics-test", write: () => {} }),
  clock: () => now,
});
const client = testClient(app);
const storeId = `store-api-${Date.now().toString(36)}`;

beforeAll(async () => {
  await warehouse.prepare();
  const espresso = { sku: "ESP-003", category: "espresso" };
  await warehouse.writeWindows([
    { storeId, windowStartMs: now - 3 * MINUTE, sourceShard: "shardId-0", ordersPlaced: 4, ordersPaid: 3, revenueCents: 1_500, items: [{ ...espresso, quantity: 3, revenueCents: 1_500 }] },
    // After a resharding the same minute has a contribution from the child shard: readers see the sum.
    { storeId, windowStartMs: now - 3 * MINUTE, sourceShard: "shardId-2", ordersPlaced: 1, ordersPaid: 1, revenueCents: 600, items: [{ ...espresso, quantity: 1, revenueCents: 600 }] },
    { storeId, windowStartMs: now - 2 * MINUTE, sourceShard: "shardId-0", ordersPlaced: 2, ordersPaid: 0, revenueCents: 0, items: [] },
    { storeId, windowStartMs: now - 2 * 60 * MINUTE, sourceShard: "shardId-0", ordersPlaced: 9, ordersPaid: 9, revenueCents: 9_000, items: [] },
  ]);
});

describe("analytics read API", () => {
  it("answers a store's windows in a period, summed over shards, with the average ticket", async () => {
    const response = await client.api.analytics.stores[":storeId"].minutes.$get({
      param: { storeId },
      query: { from: new Date(now - 10 * MINUTE).toISOString(), to: new Date(now).toISOString() },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      windows: [
        {
          windowStart: new Date(now - 3 * MINUTE).toISOString(),
          ordersPlaced: 5,
          ordersPaid: 4,
          revenueCents: 2_100,
          items: [{ sku: "ESP-003", category: "espresso", quantity: 4, revenueCents: 2_100 }],
          averageTicketCents: 525,
        },
        { windowStart: new Date(now - 2 * MINUTE).toISOString(), ordersPlaced: 2, ordersPaid: 0, revenueCents: 0, items: [], averageTicketCents: 0 },
      ],
    });
  });

  it("summarises every store's last hour, leaving out older windows", async () => {
    const response = await client.api.analytics.summary.$get();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stores: StoreSummary[] };
    expect(body.stores.find((store) => store.storeId === storeId)).toEqual({ storeId, ordersPlaced: 7, ordersPaid: 4, revenueCents: 2_100, averageTicketCents: 525 });
  });

  it("refuses a period longer than 24 hours, or one that ends before it starts, with a 400 in the error shape", async () => {
    const tooLong = await client.api.analytics.stores[":storeId"].minutes.$get({
      param: { storeId },
      query: { from: new Date(now - 25 * 60 * MINUTE).toISOString(), to: new Date(now).toISOString() },
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const backwards = await app.request(`/api/analytics/stores/${storeId}/minutes?from=${new Date(now).toISOString()}&to=${new Date(now - MINUTE).toISOString()}`);
    expect(backwards.status).toBe(400);
    const malformed = await app.request(`/api/analytics/stores/${storeId}/minutes?from=yesterday`);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("writes a window again in place: a replayed write replaces, never adds", async () => {
    const window = { storeId, windowStartMs: now - 5 * MINUTE, sourceShard: "shardId-0", ordersPlaced: 1, ordersPaid: 1, revenueCents: 100, items: [] };
    await warehouse.writeWindows([window]);
    await warehouse.writeWindows([window]);
    const [written] = await warehouse.storeWindows(storeId, now - 5 * MINUTE, now - 4 * MINUTE);
    expect(written).toMatchObject({ ordersPlaced: 1, ordersPaid: 1, revenueCents: 100 });
  });
});

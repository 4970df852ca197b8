/**
 * The console's sales chart: its per-minute bars from the Analytics API's windows, and its client against the real
 * Analytics app over HTTP, reading windows written to the warehouse stand-in on the local engines.
 */
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useLocalEnv, localPlatform } from "@cloudcafe/local/testing/env";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createAnalyticsClient } from "../src/analytics/analytics-client.ts";
import { chartGeometry, minuteBars, MINUTE_MS } from "../src/analytics/minute-chart.ts";
import { ApiError } from "../src/api/errors.ts";

useLocalEnv();
const { analyticsWarehouse } = await import("@cloudcafe/analytics/runtime");
const { createAnalyticsApp } = await import("@cloudcafe/analytics/app");

const now = Date.UTC(2026, 11, 2, 8, 30, 20);
const window = (minutesAgo: number, ordersPaid: number, revenueCents: number) => ({
  windowStart: new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS - minutesAgo * MINUTE_MS).toISOString(),
  ordersPlaced: ordersPaid,
  ordersPaid,
  revenueCents,
  averageTicketCents: ordersPaid ? Math.round(revenueCents / ordersPaid) : 0,
});

describe("the sales chart", () => {
  it("has a bar for every one of the last minutes, oldest first, zero where no order was paid", () => {
    const bars = minuteBars([window(0, 2, 900), window(2, 1, 450)], now, 4);
    expect(bars.map((bar) => [new Date(bar.startMs).toISOString().slice(11, 16), bar.ordersPaid, bar.revenueCents])).toEqual([
      ["08:27", 0, 0],
      ["08:28", 1, 450],
      ["08:29", 0, 0],
      ["08:30", 2, 900],
    ]);
  });

  it("scales the bars to the busiest minute and the revenue line to the best one", () => {
    const geometry = chartGeometry(minuteBars([window(0, 2, 900), window(1, 1, 300)], now, 2), { width: 200, height: 100 });
    expect(geometry.bars.map((bar) => bar.height)).toEqual([50, 100]);
    expect(geometry.revenueLine).toBe("50,66.7 150,0");
  });
});

describe("the console's analytics client against the Analytics app", () => {
  const schema = `analytics${localPlatform().nameSuffix.replace(/[^a-z0-9]/g, "_")}`;
  const { warehouse, close } = analyticsWarehouse({ workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME!, schema });
  const app = createAnalyticsApp({ warehouse, logger: createLogger({ service: "web-test", level: "ERROR" }), metrics: createMetrics({ namespace: "test", service: "test", write: () => {} }) });
  const storeId = `store-web-${Date.now().toString(36)}`;
  const minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  let server: ServerType;
  let baseUrl: string;

  beforeAll(async () => {
    await warehouse.prepare();
    await warehouse.writeWindows([{ storeId, windowStartMs: minute, sourceShard: "shardId-0", ordersPlaced: 3, ordersPaid: 2, revenueCents: 1_000, items: [] }]);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
        baseUrl = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    close();
  });

  it("reads a store's minutes as the chart draws them", async () => {
    const windows = await createAnalyticsClient({ baseUrl }).storeMinutes(storeId, minute - 10 * MINUTE_MS, minute + MINUTE_MS);
    expect(windows).toEqual([expect.objectContaining({ windowStart: new Date(minute).toISOString(), ordersPaid: 2, revenueCents: 1_000, averageTicketCents: 500 })]);
  });

  it("turns a refused period into the console's ApiError", async () => {
    const refused = createAnalyticsClient({ baseUrl }).storeMinutes(storeId, minute - 48 * 60 * MINUTE_MS, minute);
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
  });
});

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { testClient } from "hono/testing";
import { z } from "zod";
import { createDatabase, databaseConnection, databaseLink, readLinks } from "@cloudcafe/adapters";
import { localPlatform, useLocalEnv } from "@cloudcafe/local/testing/env";
import { localStreamEventSourceMappings, startCatalogStreamPoller } from "@cloudcafe/local/event-source/stream-mappings";
import type { StreamEventHandler, StreamPoller } from "@cloudcafe/local/event-source/stream-poller";
import type { SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import type { ManagedChild } from "@cloudcafe/local/process/children";
import { repoRoot } from "@cloudcafe/local/paths";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowQueuesOf, startFlowPollers } from "../../order/test/pollers.ts";
import { startMenuService } from "../../order/test/menu-service.ts";
import { anOrder, bodyAt, orderClient, orderStatus, placeOrder } from "../../order/test/support.ts";
import { runSchema, startWorkerProcess, waitFor } from "./support.ts";

// Every payment goes through: the totals compared below are those of the orders this test pays.
Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });
useLocalEnv();
const platform = localPlatform();
const schema = runSchema();
process.env.ANALYTICS_SCHEMA = schema;
const menu = await startMenuService();
const { createOrderApp } = await import("@cloudcafe/order/app");
const { sharedOrderRuntime } = await import("@cloudcafe/order/runtime");
const { analyticsWarehouse } = await import("../src/runtime.ts");
const { createAnalyticsApp } = await import("../src/app.ts");
const { reconcileAnalyticsWithOrders } = await import("../src/jobs/reconcile.ts");

const orders = sharedOrderRuntime();
const database = createDatabase(databaseConnection(readLinks("test", z.object({ Database: databaseLink })).Database), { max: 2 });
const orderApi = orderClient(createOrderApp({ service: orders.service, logger: orders.logger, metrics: orders.metrics, checks: orders.checks }));
const { warehouse, close } = analyticsWarehouse({ workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME!, schema });
const analyticsApi = testClient(
  createAnalyticsApp({ warehouse, logger: createLogger({ service: "analytics-test", level: "ERROR" }), metrics: createMetrics({ namespace: "test", service: "test", write: () => {} }) }),
);
let sqsPollers: SqsPoller[] = [];
let streamPoller: StreamPoller | undefined;
let worker: ManagedChild | undefined;

beforeAll(async () => {
  orders.relay.start(200);
  sqsPollers = await startFlowPollers(
    flowQueuesOf(platform.resources),
    { failedVisibilityTimeoutSeconds: 1 },
  );
  const spec = localStreamEventSourceMappings.find((mapping) => mapping.name === "analytics-order-events")!;
  const { handler } = (await import(`${repoRoot}/${spec.handlerModule}`)) as { handler: StreamEventHandler };
  streamPoller = startCatalogStreamPoller({ spec, handler, endpoints: platform.endpoints, resources: platform.resources, overrides: { idlePollMs: 200 } });
  worker = startWorkerProcess({ streamName: platform.resources.streams.analyticsEvents, leaseTable: platform.resources.tables.analyticsLeases, schema, remove: async () => {} }, "pipeline-worker");
});

afterAll(async () => {
  await worker?.stop(10_000);
  await streamPoller?.stop();
  await Promise.all(sqsPollers.map((poller) => poller.stop()));
  await orders.close();
  await menu.stop();
  close();
  await database.end();
});

describe("analytics pipeline from paid orders to Redshift, reconciled with the order database", () => {
  // The mapping starts at the trim horizon of the run's order-events stream, as deployed, so it first works through the
  // events every earlier suite of the run published: minutes on a shared machine, not the default minute.
  it("counts every paid order once per store and minute, readable from the API, and `npm run reconcile` agrees with Postgres", { timeout: 300_000 }, async () => {
    // The mapping first works through what earlier suites of the run put on order-events; events of that backlog that
    // reach the worker past the allowed lateness are counted late, as designed, and their minutes cannot reconcile. So
    // this test waits for the backlog, then places its orders from the next minute on, and reconciles from there.
    await streamPoller!.caughtUp(180_000);
    await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 50));
    const startedMs = Date.now() - (Date.now() % 60_000);
    const placed = [];
    for (let i = 0; i < 6; i++) placed.push(await bodyAt(await placeOrder(orderApi, anOrder({ storeId: i % 2 === 0 ? "store-sea-001" : "store-pdx-001" })), 201));
    for (const order of placed) {
      await waitFor(`order ${order.orderId} paid`, async () => ((await orderStatus(orderApi, order.orderId)) === "PAID" ? true : undefined));
    }

    const seattle = placed.filter((order) => order.storeId === "store-sea-001");
    await waitFor("the Seattle orders in the store's minutes", async () => {
      const response = await analyticsApi.api.analytics.stores[":storeId"].minutes.$get({ param: { storeId: "store-sea-001" }, query: { from: new Date(startedMs).toISOString() } });
      const { windows } = (await response.json()) as { windows: { ordersPaid: number; revenueCents: number }[] };
      return windows.reduce((sum, window) => sum + window.ordersPaid, 0) >= seattle.length ? windows : undefined;
    });

    // Converged when the warehouse holds every payment of the period; a double count or a loss never converges.
    const period = { fromMs: startedMs, toMs: Date.now() };
    const report = await waitFor("the warehouse to agree with the order database", async () => {
      const latest = await reconcileAnalyticsWithOrders({ database, warehouse }, period);
      return latest.mismatches.length === 0 ? latest : undefined;
    });
    expect(report.stores).toBeGreaterThanOrEqual(2);
    const inWarehouse = await warehouse.paidTotals(Date.parse(report.from), Date.parse(report.to));
    const seattleTotals = inWarehouse.find((totals) => totals.storeId === "store-sea-001")!;
    expect(seattleTotals.ordersPaid).toBeGreaterThanOrEqual(seattle.length);

    const command = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../src/jobs/reconcile-command.ts", import.meta.url)), "--from", new Date(period.fromMs).toISOString(), "--to", new Date(period.toMs).toISOString()],
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "ERROR" }, encoding: "utf8" },
    );
    expect(command.status, command.stderr).toBe(0);
    const printed = JSON.parse(command.stdout.slice(command.stdout.indexOf("{")));
    expect(printed).toMatchObject({ check: "analytics-paid-orders", mismatches: [] });
  });
});

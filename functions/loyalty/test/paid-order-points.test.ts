import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { localEventSourceMappings } from "@cloudcafe/local/event-source/mappings";
import { type SqsPoller, startSqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { repoRoot } from "@cloudcafe/local/paths";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import { startMenuService } from "../../order/test/menu-service.ts";
import { aCustomer, bodyOf, getPoints, loyaltyFixture } from "./support.ts";

// A calm payment gateway: every payment here is captured.
Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });

const platform = localPlatform();
const menu = await startMenuService();
const { createOrderApp } = await import("@cloudcafe/order/app");
const { sharedOrderRuntime } = await import("@cloudcafe/order/runtime");
const orders = sharedOrderRuntime();
const orderApp = createOrderApp({ service: orders.service, logger: orders.logger, metrics: orders.metrics, checks: orders.checks });
const loyalty = loyaltyFixture();
const FLOW = new Set(["orderSubmission", "paymentProcessing", "paymentResults", "loyaltyPaymentResults"]);
let pollers: SqsPoller[] = [];

beforeAll(async () => {
  await purgeQueues(platform);
  orders.relay.start(200);
  const sqs = sqsClientFor(platform.endpoints.sqs);
  // The catalog's mappings of the order-to-points flow, as `npm start` runs them.
  pollers = await Promise.all(
    localEventSourceMappings
      .filter((mapping) => FLOW.has(mapping.queue))
      .map(async (mapping) => {
        const { handler } = (await import(join(repoRoot, mapping.handlerModule))) as { handler: Parameters<typeof startSqsPoller>[0]["handler"] };
        return startSqsPoller({
          sqs,
          queueUrl: platform.resources.queues[mapping.queue].url,
          functionName: mapping.functionName,
          handler,
          batchSize: mapping.batchSize,
          maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
          reportBatchItemFailures: mapping.reportBatchItemFailures,
        });
      }),
  );
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  await orders.close();
  await loyalty.close();
  await menu.stop();
});

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a paid order earns its points", () => {
  it("ends with the order's points at GET /api/loyalty/points/:customerId, once", async () => {
    const customerId = aCustomer("paid");
    const placed = await orderApp.request("/api/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ customerId, storeId: "store-sea-001", items: [{ sku: "ESP-003", quantity: 3, size: "grande", options: [] }] }),
    });
    expect(placed.status).toBe(201);
    const order = await bodyOf(placed);

    const points = await eventually(async () => {
      const res = await getPoints(loyalty.app, customerId);
      return res.status === 200 ? bodyOf(res) : undefined;
    }, "the order's points");
    expect(points.latestEntries).toEqual([expect.objectContaining({ orderId: order.orderId, amountCents: order.totalCents })]);
    expect(points.balance).toBe(Math.floor(order.totalCents / 100));
    const paid = await bodyOf(await orderApp.request(`/api/orders/${order.orderId}`));
    expect(paid.status).toBe("PAID");
  });
});

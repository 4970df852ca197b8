import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoDocumentClient } from "@cloudcafe/adapters";
import type { Order } from "@cloudcafe/core";
import type { SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import { startMenuService } from "./menu-service.ts";
import { flowQueuesOf, startFlowPollers } from "./pollers.ts";
import { anOrder, bodyAt, bodyOf, eventsFor, orderClient, orderStatus, placeOrder, waitFor } from "./support.ts";

Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });

const STAFF_TOKEN = "cancel-and-refund-staff-token";
const platform = localPlatform();
const menu = await startMenuService();
const { createOrderApp } = await import("../src/app.ts");
const { sharedOrderRuntime } = await import("../src/runtime.ts");
const runtime = sharedOrderRuntime();
const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, operatorToken: STAFF_TOKEN });
const client = orderClient(app);
let pollers: SqsPoller[] = [];

beforeAll(async () => {
  await purgeQueues(platform);
  runtime.relay.start(200);
  pollers = await startFlowPollers(
    flowQueuesOf(platform.resources),
    { failedVisibilityTimeoutSeconds: 1 },
  );
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  await runtime.close();
  await menu.stop();
});

const staff = (orderId: string, action: "cancel" | "stage", body: unknown) =>
  app.request(`/api/orders/${orderId}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${STAFF_TOKEN}` },
    body: JSON.stringify(body),
  });

async function paidOrder(): Promise<Order> {
  const order = await bodyAt(await placeOrder(client, anOrder({ customerId: `refund-${Date.now()}` })), 201);
  await waitFor(async () => ((await orderStatus(client, order.orderId)) === "PAID" ? true : undefined), `order ${order.orderId} paid`);
  return order;
}

describe("a store cancelling a paid order", () => {
  it("cancels it with the reason, refunds it once through the payment processor, and ends REFUNDED", async () => {
    const order = await paidOrder();
    expect((await staff(order.orderId, "stage", { stage: "PREPARING" })).status).toBe(200);

    const cancelled = await staff(order.orderId, "cancel", { reason: "Espresso machine down" });
    expect(cancelled.status).toBe(200);
    expect(await bodyOf(cancelled)).toMatchObject({ status: "CANCELLED", failureReason: "Espresso machine down" });
    // A second click while the refund is under way changes nothing and sends no second refund.
    expect((await bodyOf(await staff(order.orderId, "cancel", { reason: "again" }))).failureReason).toBe("Espresso machine down");

    await waitFor(async () => ((await orderStatus(client, order.orderId)) === "REFUNDED" ? true : undefined), "the refund");
    // When it was paid stays on the order through the stages and the refund (analytics reconciles on it).
    const refunded = await bodyOf(await app.request(`/api/orders/${order.orderId}`));
    expect(Date.parse(refunded.paidAt)).toBeGreaterThanOrEqual(Date.parse(order.createdAt));
    const { Item: refund } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: platform.resources.tables.paymentTransactions, Key: { paymentId: `ref_${order.orderId}` } }),
    );
    expect(refund).toMatchObject({ status: "REFUNDED", orderId: order.orderId, amountCents: order.totalCents, gatewayReference: expect.stringMatching(/^re_/) });
    const events = await waitFor(async () => {
      const found = await eventsFor(runtime.config.orderEventsStream, order.orderId);
      return found.length >= 5 ? found : undefined;
    }, "the order's events");
    expect(events.map((event) => event.type)).toEqual(["OrderCreated", "OrderPaid", "OrderPreparing", "OrderCancelled", "OrderRefunded"]);
    expect((await staff(order.orderId, "cancel", { reason: "late" })).status).toBe(200);
  });

  it("refuses to cancel an unpaid or collected order (409) and a cancel without a reason (400)", async () => {
    const pending = await bodyAt(await placeOrder(client, anOrder({ customerId: `test-decline-${Date.now()}` })), 201);
    await waitFor(async () => ((await orderStatus(client, pending.orderId)) === "PAYMENT_FAILED" ? true : undefined), "the decline");
    expect((await staff(pending.orderId, "cancel", { reason: "no" })).status).toBe(409);

    const order = await paidOrder();
    for (const stage of ["PREPARING", "READY", "COLLECTED"]) expect((await staff(order.orderId, "stage", { stage })).status).toBe(200);
    expect((await staff(order.orderId, "cancel", { reason: "too late" })).status).toBe(409);
    expect((await staff(order.orderId, "cancel", {})).status).toBe(400);
    expect((await staff(order.orderId, "cancel", { reason: " " })).status).toBe(400);
    expect(await orderStatus(client, order.orderId)).toBe("COLLECTED");
  });
});

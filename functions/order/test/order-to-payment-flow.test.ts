import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoDocumentClient, sqsClient } from "@cloudcafe/adapters";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import type { SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { anOrder, bodyAt, eventsFor, orderClient, orderStatus, placeOrder, readOrder, waitFor } from "./support.ts";
import { flowQueuesOf, startFlowPollers } from "./pollers.ts";
import { startMenuService } from "./menu-service.ts";

// A calm gateway: outcomes here come only from the sandbox inputs (test-decline-* customers).
Object.assign(process.env, { PAYMENT_DECLINE_RATE: "0", PAYMENT_FAILURE_RATE: "0", PAYMENT_GATEWAY_LATENCY_MS: "5", PAYMENT_GATEWAY_JITTER_MS: "0" });

const platform = localPlatform();
const menu = await startMenuService();
const { createOrderApp } = await import("../src/app.ts");
const { sharedOrderRuntime } = await import("../src/runtime.ts");
const runtime = sharedOrderRuntime();
const client = orderClient(createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks }));
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
  await Promise.all(pollers.map((p) => p.stop()));
  await runtime.close();
  await menu.stop();
});

const statusOf = (orderId: string) => orderStatus(client, orderId);
const settled = (orderId: string) => waitFor(async () => ((await statusOf(orderId)) === "PENDING" ? undefined : statusOf(orderId)), `order ${orderId} to settle`);

describe("order to payment, end to end on the local engines", () => {
  it("takes an order from POST to PAID, with one trace id from the HTTP request to the OrderPaid event", async () => {
    const traceId = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
    const res = await placeOrder(client, anOrder(), { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, idempotencyKey: `flow-${Date.now()}` });
    const order = await bodyAt(res, 201);

    expect(await settled(order.orderId)).toBe("PAID");
    const paid = await bodyAt(await readOrder(client, order.orderId), 200);
    expect(paid).toMatchObject({ status: "PAID", version: 2, paymentId: expect.any(String) });

    const { Item: transaction } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: platform.resources.tables.paymentTransactions, Key: { paymentId: paid.paymentId } }),
    );
    expect(transaction).toMatchObject({ orderId: order.orderId, amountCents: order.totalCents });

    const events = await waitFor(async () => {
      const found = await eventsFor(runtime.config.orderEventsStream, order.orderId);
      return found.length === 2 ? found : undefined;
    }, "OrderCreated and OrderPaid on order-events");
    expect(events.map((e) => e.type)).toEqual(["OrderCreated", "OrderPaid"]);
    for (const event of events) expect(event.traceparent.split("-")[1]).toBe(traceId);
  });

  it("ends a declined payment in PAYMENT_FAILED with the gateway's reason, without retrying it", async () => {
    const order = await bodyAt(await placeOrder(client, anOrder({ customerId: `test-decline-${Date.now()}` })), 201);
    expect(await settled(order.orderId)).toBe("PAYMENT_FAILED");
    const failed = await bodyAt(await readOrder(client, order.orderId), 200);
    expect(failed.failureReason).toBe("insufficient_funds");
    const events = await waitFor(async () => {
      const found = await eventsFor(runtime.config.orderEventsStream, order.orderId);
      return found.length === 2 ? found : undefined;
    }, "OrderPaymentFailed on order-events");
    expect(events.map((e) => e.type)).toEqual(["OrderCreated", "OrderPaymentFailed"]);
  });

  it("pays many customers' orders concurrently, each exactly once", async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => placeOrder(client, anOrder({ customerId: `cust-batch-${i % 4}` }))));
    const orders = await Promise.all(responses.map((response) => bodyAt(response, 201)));
    const statuses = await Promise.all(orders.map((o) => settled(o.orderId)));
    expect(statuses).toEqual(orders.map(() => "PAID"));
    // Version 2 = exactly one transition (PENDING -> PAID) per order, however often a message was delivered.
    const finals = await Promise.all(orders.map(async (o) => bodyAt(await readOrder(client, o.orderId), 200)));
    expect(finals.map((o) => o.version)).toEqual(orders.map(() => 2));
  });

  it("moves a poison payment message to the DLQ after three receives", async () => {
    const { queues } = platform.resources;
    await sqsClient().send(
      new SendMessageCommand({ QueueUrl: queues.paymentProcessing.url, MessageBody: `{"not":"a payment ${Date.now()}"}`, MessageGroupId: "poison" }),
    );
    const dead = await waitFor(async () => {
      const out = await sqsClient().send(
        new ReceiveMessageCommand({ QueueUrl: queues.paymentProcessing.dlq!.url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }),
      );
      return out.Messages?.[0];
    }, "the poison message in the DLQ", 60_000);
    expect(dead.Body).toContain("not");
    expect(Number(dead.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);
  });
});

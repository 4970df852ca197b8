import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoDocumentClient, dynamoNotificationInbox, sqsClient } from "@cloudcafe/adapters";
import { type NotificationSource, notificationFor, type PaymentResult } from "@cloudcafe/core";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { startSqsPoller, type SqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import { waitUntil } from "@cloudcafe/local/process/net";
import { createLogger } from "@cloudcafe/observability";

const platform = localPlatform();
const queue = platform.resources.queues.notification;
const inbox = dynamoNotificationInbox(dynamoDocumentClient(), platform.resources.tables.customerNotifications);
let poller: SqsPoller;

beforeAll(async () => {
  await purgeQueues(platform);
  const { handler } = await import("../src/events/notifications.ts");
  poller = startSqsPoller({
    sqs: sqsClientFor(platform.endpoints.sqs),
    queueUrl: queue.url,
    functionName: "notification-sender",
    handler,
    batchSize: 10,
    reportBatchItemFailures: true,
    failedVisibilityTimeoutSeconds: 0,
    logger: createLogger({ service: "notification-test", write: () => {} }),
  });
});

afterAll(async () => {
  await poller.stop();
});

const send = (body: unknown) => sqsClient().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: typeof body === "string" ? body : JSON.stringify(body) }));

function result(orderId: string, customerId: string, outcome: PaymentResult["outcome"], at: string): PaymentResult {
  return {
    type: "PaymentResult",
    orderId,
    customerId,
    paymentId: `${outcome === "REFUNDED" ? "ref" : "pay"}_${orderId}`,
    outcome,
    amountCents: 1628,
    currency: "USD",
    ...(outcome === "DECLINED" ? { declineReason: "insufficient_funds" } : {}),
    processedAt: at,
  };
}

describe("the notification sender on notification-queue", () => {
  it("tells each milestone once, however often its message comes, newest first in the customer's inbox", async () => {
    const customerId = `notify-${Date.now()}`;
    const orderId = "ord_0123456789abcdef0123456789abcd01";
    const messages: NotificationSource[] = [
      result(orderId, customerId, "CAPTURED", "2026-12-02T08:00:01.000Z"),
      result(orderId, customerId, "CAPTURED", "2026-12-02T08:00:01.000Z"),
      { type: "OrderReady", orderId, customerId, storeId: "store-sea-001", occurredAt: "2026-12-02T08:03:00.000Z" },
      result(orderId, customerId, "REFUNDED", "2026-12-02T08:05:00.000Z"),
    ];
    for (const message of messages) await send(message);
    await send(messages[2]!);

    await waitUntil("three notifications", async () => (await inbox.latest(customerId, 10)).length >= 3, 20_000, 100);
    const told = await inbox.latest(customerId, 10);
    expect(told.map((n) => n.milestone)).toEqual(["refunded", "ready", "paid"]);
    expect(told[1]).toMatchObject({ notificationId: `${orderId}:ready`, title: "Your order is ready", body: "Order #CD01 is ready for pickup." });
    expect(told[2]!.body).toContain("$16.28");
  });

  it("sends a message that breaks the contract to the dead-letter queue, and only it", async () => {
    const customerId = `notify-bad-${Date.now()}`;
    await send({ type: "PaymentResult", orderId: "ord_x", customerId, outcome: "MAYBE" });
    await send(result("ord_0123456789abcdef0123456789abcd02", customerId, "DECLINED", "2026-12-02T08:00:00.000Z"));
    const dlq = queue.dlq!.url;
    let dead: string | undefined;
    await waitUntil("the poison message in the DLQ", async () => {
      const { Messages } = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }));
      dead = Messages?.[0]?.Body;
      return dead !== undefined;
    }, 60_000, 100);
    expect(JSON.parse(dead!)).toMatchObject({ outcome: "MAYBE" });
    const told = await inbox.latest(customerId, 10);
    expect(told.map((n) => [n.milestone, n.body])).toEqual([["payment_failed", expect.stringContaining("declined (insufficient funds); nothing was charged")]]);
  });
});

describe("notificationFor", () => {
  it("derives the same notification, with the same id, from the same message", () => {
    const message = result("ord_0123456789abcdef0123456789abcd03", "c", "CAPTURED", "2026-12-02T08:00:00.000Z");
    expect(notificationFor(message)).toEqual(notificationFor({ ...message }));
    expect(notificationFor(message).notificationId).toBe("ord_0123456789abcdef0123456789abcd03:paid");
  });
});

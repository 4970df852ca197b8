import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, dynamoDocumentClient, orderCacheKey, sqsClient } from "@cloudcafe/adapters";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { createOrderApp } from "../src/app.ts";
import { sharedOrderRuntime } from "../src/runtime.ts";
import { startMenuService } from "./menu-service.ts";
import { anOrder, bodyAt, bodyOf, eventsFor, orderClient, placeOrder, postBody, readOrder } from "./support.ts";

const menu = await startMenuService();

const runtime = sharedOrderRuntime();
const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks });
const client = orderClient(app);
const { config } = runtime;
const database = createDatabase(config.database, { max: 2 });
const redis = new Redis(localPlatform().endpoints.redisUrl);
const redisKeyExists = async (orderId: string) => (await redis.exists(orderCacheKey(orderId))) === 1;
const countOrders = async () => (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM orders"))[0]!.n;

afterAll(async () => {
  redis.disconnect();
  await database.end();
  await runtime.close();
  await menu.stop();
});

describe("POST /api/orders", () => {
  it("creates a PENDING order priced on the server, stored in Postgres and DynamoDB, announced on order-events", async () => {
    const input = anOrder();
    const res = await placeOrder(client, input, { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" });
    const order = await bodyAt(res, 201);
    expect(order).toMatchObject({ status: "PENDING", customerId: input.customerId, subtotalCents: 1475, taxCents: 153, totalCents: 1628, version: 1 });
    expect(res.headers.get("location")).toBe(`/api/orders/${order.orderId}`);

    const [row] = await database.query("SELECT status, total_cents FROM orders WHERE order_id = $1", [order.orderId]);
    expect(row).toEqual({ status: "PENDING", total_cents: 1628 });
    const { Item } = await dynamoDocumentClient().send(new GetCommand({ TableName: config.activeOrdersTable, Key: { orderId: order.orderId } }));
    expect(Item?.status).toBe("PENDING");
    // 24 h TTL on the hot copy
    expect(Item?.expiresAt).toBe(Math.floor(Date.parse(order.createdAt) / 1000) + 86_400);

    const events = await eventsFor(config.orderEventsStream, order.orderId);
    expect(events.map((e) => e.type)).toEqual(["OrderCreated"]);
    expect(events[0]!.traceparent).toMatch(/^00-11111111111111111111111111111111-/);

    const pending = await database.query("SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND message->'order'->>'orderId' = $1", [order.orderId]);
    expect(pending[0]!.n).toBe(0);
  });

  it("returns the same order for a retry with the same Idempotency-Key and never creates a second one", async () => {
    const input = anOrder();
    const key = `key-${Date.now()}`;
    const first = await bodyAt(await placeOrder(client, input, { idempotencyKey: key }), 201);
    const before = await countOrders();
    const retries = await Promise.all([1, 2, 3].map(() => placeOrder(client, input, { idempotencyKey: key })));
    for (const retry of retries) {
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect((await bodyAt(retry, 201)).orderId).toBe(first.orderId);
    }
    expect(await countOrders()).toBe(before);
  });

  it("rejects a reused Idempotency-Key with a different body (409) and changes nothing", async () => {
    const input = anOrder();
    const key = `key-${Date.now()}-reuse`;
    await placeOrder(client, input, { idempotencyKey: key });
    const before = await countOrders();
    const res = await placeOrder(client, { ...input, items: [{ sku: "ESP-001", quantity: 1, size: "short", options: [] }] }, { idempotencyKey: key });
    expect((await bodyAt(res, 409)).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await countOrders()).toBe(before);
  });

  it.each([
    ["a missing field", 400, "VALIDATION_FAILED", { customerId: "c-1", items: [{ sku: "ESP-001", quantity: 1, size: "short" }] }],
    ["quantity over 20", 400, "VALIDATION_FAILED", anOrder({ items: [{ sku: "ESP-001", quantity: 21, size: "short", options: [] }] })],
    ["an unknown sku", 400, "VALIDATION_FAILED", anOrder({ items: [{ sku: "ZZZ-999", quantity: 1, size: "tall", options: [] }] })],
    ["an unknown store", 400, "VALIDATION_FAILED", anOrder({ storeId: "store-moon-001" })],
    ["a size the item is not sold in", 400, "VALIDATION_FAILED", anOrder({ items: [{ sku: "BAK-001", quantity: 1, size: "venti", options: [] }] })],
    ["malformed JSON", 400, "MALFORMED_JSON", "{\"customerId\": "],
    ["a body over the limit", 413, "PAYLOAD_TOO_LARGE", { ...anOrder(), padding: "x".repeat(70_000) }],
  ])("answers %s with %i %s and stores nothing", async (_what, status, code, body) => {
    const before = await countOrders();
    const res = await postBody(app, body);
    expect(res.status).toBe(status);
    expect((await bodyOf(res)).error.code).toBe(code);
    expect(await countOrders()).toBe(before);
  });

  it("answers 415 to a body that is not JSON, and 400 to a malformed Idempotency-Key", async () => {
    const before = await countOrders();
    const text = await app.request("/api/orders", { method: "POST", headers: { "content-type": "text/plain" }, body: "latte please" });
    expect(text.status).toBe(415);
    const badKey = await placeOrder(client, anOrder(), { idempotencyKey: "has spaces in it" });
    expect((await bodyAt(badKey, 400)).error.code).toBe("VALIDATION_FAILED");
    expect(await countOrders()).toBe(before);
  });
});

describe("GET /api/orders/:id", () => {
  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    expect((await bodyAt(await readOrder(client, "not-an-id"), 400)).error.code).toBe("VALIDATION_FAILED");
    expect((await bodyAt(await readOrder(client, `ord_${"0".repeat(32)}`), 404)).error.code).toBe("NOT_FOUND");
  });

  it("reads through Redis, then DynamoDB, then Postgres once the hot copy is gone or expired", async () => {
    const order = await bodyAt(await placeOrder(client), 201);
    expect(await redisKeyExists(order.orderId)).toBe(false);
    expect((await readOrder(client, order.orderId)).status).toBe(200);
    expect(await redisKeyExists(order.orderId)).toBe(true);

    // Hot copy expired (TTL deletion is lazy) and cache evicted: Postgres still answers.
    const documents = dynamoDocumentClient();
    await documents.send(
      new PutCommand({ TableName: config.activeOrdersTable, Item: { ...order, status: "STALE", expiresAt: Math.floor(Date.now() / 1000) - 60 } }),
    );
    await runtime.service.getOrder(order.orderId); // cached copy still valid
    await redis.del(orderCacheKey(order.orderId));
    const fromDatabase = await bodyAt(await readOrder(client, order.orderId), 200);
    expect(fromDatabase.status).toBe("PENDING");

    await documents.send(new DeleteCommand({ TableName: config.activeOrdersTable, Key: { orderId: order.orderId } }));
    expect((await readOrder(client, order.orderId)).status).toBe(200);
  });
});

describe("payment results", () => {
  it("apply once: duplicate deliveries change nothing, and the cached copy is invalidated on the status change", async () => {
    const { handler } = await import("../src/events/payment-results.ts");
    const { sqsEvent } = await import("@cloudcafe/local/event-source/sqs-event");
    const order = await bodyAt(await placeOrder(client), 201);
    await readOrder(client, order.orderId);
    expect(await redisKeyExists(order.orderId)).toBe(true);

    const result = {
      type: "PaymentResult",
      orderId: order.orderId,
      customerId: order.customerId,
      paymentId: `pay_${order.orderId}`,
      outcome: "CAPTURED",
      amountCents: order.totalCents,
      currency: "USD",
      processedAt: new Date().toISOString(),
    };
    const message = { MessageId: "m-1", ReceiptHandle: "r-1", Body: JSON.stringify(result), Attributes: { ApproximateReceiveCount: "1" } };
    const event = sqsEvent([message, { ...message, MessageId: "m-2" }], "arn:aws:sqs:us-east-1:000000000000:results", "us-east-1");
    const response = await handler(event, {} as never);
    expect(response.batchItemFailures).toEqual([]);

    // The cached PENDING copy is gone: what is left is the invalidation's marker for version 2.
    expect(JSON.parse((await redis.get(orderCacheKey(order.orderId))) ?? "{}")).toEqual({ tombstone: true, version: 2 });
    const paid = await bodyAt(await readOrder(client, order.orderId), 200);
    expect(paid).toMatchObject({ status: "PAID", version: 2, paymentId: `pay_${order.orderId}` });
    const events = await eventsFor(config.orderEventsStream, order.orderId);
    expect(events.map((e) => e.type)).toEqual(["OrderCreated", "OrderPaid"]);
  });
});

describe("order submission (validation step)", () => {
  it("requests payment once per order on the FIFO queue, grouped by customer, even when delivered twice", async () => {
    const { handler } = await import("../src/events/submission.ts");
    const { sqsEvent } = await import("@cloudcafe/local/event-source/sqs-event");
    const order = await bodyAt(await placeOrder(client), 201);
    const body = JSON.stringify({ type: "OrderSubmitted", orderId: order.orderId, customerId: order.customerId });
    const message = (id: string) => ({ MessageId: id, ReceiptHandle: id, Body: body, Attributes: { ApproximateReceiveCount: "1" } });
    for (const id of ["s-1", "s-2"]) {
      const response = await handler(sqsEvent([message(id)], "arn:aws:sqs:us-east-1:000000000000:submissions", "us-east-1"), {} as never);
      expect(response.batchItemFailures).toEqual([]);
    }
    const received = [];
    for (let i = 0; i < 5; i++) {
      const out = await sqsClient().send(
        new ReceiveMessageCommand({ QueueUrl: config.paymentQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["MessageGroupId"], MessageAttributeNames: ["All"] }),
      );
      received.push(...(out.Messages ?? []).filter((m) => JSON.parse(m.Body!).orderId === order.orderId));
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.Attributes?.MessageGroupId).toBe(order.customerId);
    expect(JSON.parse(received[0]!.Body!)).toEqual({ type: "PaymentRequested", orderId: order.orderId, customerId: order.customerId, amountCents: order.totalCents, currency: "USD" });
    expect(received[0]!.MessageAttributes?.traceparent?.StringValue).toMatch(/^00-[0-9a-f]{32}-/);
  });

  it("reports a malformed submission as a failed record, so it reaches the DLQ instead of being retried forever", async () => {
    const { handler } = await import("../src/events/submission.ts");
    const { sqsEvent } = await import("@cloudcafe/local/event-source/sqs-event");
    const message = (id: string, body: string) => ({ MessageId: id, ReceiptHandle: id, Body: body, Attributes: { ApproximateReceiveCount: "1" } });
    const response = await handler(
      sqsEvent([message("bad-json", "{"), message("bad-shape", JSON.stringify({ type: "OrderSubmitted", orderId: 7 }))], "arn:aws:sqs:us-east-1:000000000000:submissions", "us-east-1"),
      {} as never,
    );
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(["bad-json", "bad-shape"]);
  });
});

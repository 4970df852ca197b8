import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { kinesisAnalyticsEvents, kinesisClient, kinesisOrderEvents, sqsAnalyticsDeadLetters, sqsClient, type AnalyticsEventPublisher } from "@cloudcafe/adapters";
import { analyticsEventSchema, menuCatalogOf, newOrderId, orderEvent, starterMenuItems, starterStores, type AnalyticsEvent, type Order } from "@cloudcafe/core";
import { localPlatform, useLocalEnv } from "@cloudcafe/local/testing/env";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { describe, expect, it } from "vitest";
import { orderEventsHandler } from "../src/events/order-events-handler.ts";
import { waitFor } from "./support.ts";

useLocalEnv();
const { resources } = localPlatform();
const catalog = menuCatalogOf(starterMenuItems, starterStores);

function aPaidOrder(storeId: string): Order {
  const at = new Date().toISOString();
  return {
    orderId: newOrderId(),
    customerId: "cust-analytics",
    storeId,
    status: "PAID",
    items: [
      { sku: "ESP-003", name: "Latte", size: "grande", quantity: 2, options: [], unitPriceCents: 450, lineTotalCents: 900 },
      { sku: "BAK-001", name: "Croissant", size: "single", quantity: 1, options: [], unitPriceCents: 350, lineTotalCents: 350 },
    ],
    subtotalCents: 1_250,
    taxCents: 100,
    totalCents: 1_350,
    currency: "USD",
    version: 2,
    createdAt: at,
    updatedAt: at,
  };
}

/** Every record of a stream, as Lambda's Kinesis event shapes them (data base64, eventID `shard:sequence`). */
async function streamEvent(streamName: string): Promise<KinesisStreamEvent> {
  const kinesis = kinesisClient();
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: KinesisStreamRecord[] = [];
  for (const shard of Shards) {
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }));
    const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator: ShardIterator!, Limit: 10_000 }));
    for (const record of Records) {
      records.push({
        eventID: `${shard.ShardId}:${record.SequenceNumber}`,
        eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::000000000000:role/analytics",
        awsRegion: "us-east-1",
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: record.PartitionKey!,
          sequenceNumber: record.SequenceNumber!,
          data: Buffer.from(record.Data!).toString("base64"),
          approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
        },
      });
    }
  }
  return { Records: records };
}

async function analyticsEventsOf(orderId: string): Promise<AnalyticsEvent[]> {
  const { Records } = await streamEvent(resources.streams.analyticsEvents);
  return Records.map((record) => JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")))
    .filter((event) => event.orderId === orderId)
    .map((event) => analyticsEventSchema.parse(event));
}

const handlerWith = (publisher: AnalyticsEventPublisher) =>
  orderEventsHandler({
    publisher,
    deadLetters: sqsAnalyticsDeadLetters(sqsClient(), resources.queues.analyticsDeadLetters.url),
    categories: async () => (sku) => catalog.item(sku)?.category,
    logger: createLogger({ service: "analytics-test", level: "ERROR" }),
    metrics: createMetrics({ namespace: "test", service: "analytics-test", write: () => {} }),
  });

describe("order-events consumer", () => {
  it("turns each order event into an analytics event on analytics-events, partitioned by store, with the items' categories", async () => {
    const storeId = `store-consumer-${Date.now().toString(36)}`;
    const order = aPaidOrder(storeId);
    const orderEvents = kinesisOrderEvents(kinesisClient(), resources.streams.orderEvents);
    await orderEvents.publish(orderEvent("OrderCreated", { ...order, status: "PENDING", version: 1 }));
    await orderEvents.publish(orderEvent("OrderPaid", order));
    // Preparation is not something analytics counts: passed over, neither published nor dead-lettered.
    await orderEvents.publish(orderEvent("OrderPreparing", { ...order, version: 3 }));

    const event = await streamEvent(resources.streams.orderEvents);
    const ours = event.Records.filter((record) => Buffer.from(record.kinesis.data, "base64").toString("utf8").includes(storeId));
    expect(ours).toHaveLength(3);
    // A record that is not an order event, handed to the handler only: the run's order-events stream is shared with the
    // order suites, which read every record on it as an order event.
    const poison = { ...ours[0]!, kinesis: { ...ours[0]!.kinesis, sequenceNumber: "1", data: Buffer.from(`{"eventId":"x","orderOf":"${storeId}"}`).toString("base64") } };
    const response = await handlerWith(kinesisAnalyticsEvents(kinesisClient(), resources.streams.analyticsEvents))({ Records: [...ours, poison] });
    expect(response.batchItemFailures).toEqual([]);

    const published = await waitFor("the analytics events", async () => {
      const events = await analyticsEventsOf(order.orderId);
      return events.length === 2 ? events : undefined;
    });
    expect(published.map((each) => each.type).sort()).toEqual(["OrderPaid", "OrderPlaced"]);
    const paid = published.find((each) => each.type === "OrderPaid")!;
    expect(paid).toMatchObject({
      storeId,
      totalCents: 1_350,
      occurredAt: order.updatedAt,
      items: [
        { sku: "ESP-003", category: catalog.item("ESP-003")!.category, quantity: 2, amountCents: 900 },
        { sku: "BAK-001", category: catalog.item("BAK-001")!.category, quantity: 1, amountCents: 350 },
      ],
    });

    const letters = await waitFor("the poison record's dead letter", async () => {
      const { Messages = [] } = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: resources.queues.analyticsDeadLetters.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const found = Messages.map((message) => JSON.parse(message.Body!)).filter((letter) => String(letter.data).includes(storeId));
      return found.length > 0 ? found : undefined;
    });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: "poison", source: { stream: resources.streams.orderEvents } });
    expect(letters[0].detail).toContain("type");
  });

  it("reports the records the stream did not take as batch item failures, by sequence number", async () => {
    const storeId = `store-refused-${Date.now().toString(36)}`;
    const order = aPaidOrder(storeId);
    await kinesisOrderEvents(kinesisClient(), resources.streams.orderEvents).publish(orderEvent("OrderPaid", order));
    const ours = (await streamEvent(resources.streams.orderEvents)).Records.filter((record) => Buffer.from(record.kinesis.data, "base64").toString("utf8").includes(storeId));
    // A stream that does not exist refuses the PutRecords call as a whole: the batch fails and Lambda retries it.
    await expect(handlerWith(kinesisAnalyticsEvents(kinesisClient(), "no-such-stream"))({ Records: ours })).rejects.toThrow();
    // A stream that refuses single records (throttled shards): those records, and only those, are reported.
    const refusing: AnalyticsEventPublisher = { publish: async (events) => events.slice(0, 1) };
    const response = await handlerWith(refusing)({ Records: ours });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: ours[0]!.kinesis.sequenceNumber }]);
  });
});

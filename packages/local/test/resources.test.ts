import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { DescribeStreamSummaryCommand } from "@aws-sdk/client-kinesis";
import { GetSubscriptionAttributesCommand, ListSubscriptionsCommand, PublishCommand, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { liveTrafficOnly, queues, trafficAttribute } from "@cloudcafe/catalog";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { dynamoClientFor, kinesisClientFor, snsClientFor, sqsClientFor } from "../src/aws-clients.ts";
import { createResources, deleteResources } from "../src/resources.ts";
import { localPlatform } from "../src/testing/env.ts";
import { purgeQueues } from "../src/testing/purge.ts";

const platform = localPlatform();
const { resources, endpoints } = platform;
const dynamo = dynamoClientFor(endpoints.dynamodb);
const sqs = sqsClientFor(endpoints.sqs);
const sns = snsClientFor(endpoints.sns);
const kinesis = kinesisClientFor(endpoints.kinesis);

afterAll(() => {
  for (const client of [dynamo, sqs, sns, kinesis]) client.destroy();
});

async function queueAttributes(url: string) {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {};
}

async function receiveAll(client: SQSClient, url: string) {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, MessageAttributeNames: ["All"] }),
  );
  return Messages ?? [];
}

describe("local resources from the catalog", () => {
  beforeEach(() => purgeQueues(platform));

  it("gives active-orders a TTL on expiresAt and store-inventory a new-and-old-images stream", async () => {
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: resources.tables.activeOrders }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
    const inventory = await dynamo.send(new DescribeTableCommand({ TableName: resources.tables.storeInventory }));
    expect(inventory.Table?.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(inventory.Table?.KeySchema).toEqual([
      { AttributeName: "storeId", KeyType: "HASH" },
      { AttributeName: "sku", KeyType: "RANGE" },
    ]);
  });

  it("makes the payment queue FIFO with content-based deduplication and a redrive to its FIFO DLQ after 3 receives", async () => {
    const payment = resources.queues.paymentProcessing;
    const attributes = await queueAttributes(payment.url);
    expect(attributes).toMatchObject({ FifoQueue: "true", ContentBasedDeduplication: "true", VisibilityTimeout: "180" });
    expect(JSON.parse(attributes.RedrivePolicy ?? "{}")).toMatchObject({ deadLetterTargetArn: payment.dlq?.arn, maxReceiveCount: 3 });
    expect(payment.dlq?.name).toMatch(/\.fifo$/);
  });

  it("drops a FIFO duplicate by its content alone", async () => {
    const url = resources.queues.paymentProcessing.url;
    for (let copy = 0; copy < 2; copy += 1) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"paymentId":"p-dup"}', MessageGroupId: "customer-1" }));
    }
    const received = await receiveAll(sqs, url);
    expect(received.map((message) => message.Body)).toEqual(['{"paymentId":"p-dup"}']);
  });

  it("fans a live payment result out to both subscriber queues as the raw message with its attributes, and no synthetic one", async () => {
    const publish = (orderId: string, traffic: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: resources.topics.paymentResults.arn,
          Message: `{"orderId":"${orderId}","status":"CAPTURED"}`,
          MessageAttributes: {
            eventType: { DataType: "String", StringValue: "PaymentCaptured" },
            [trafficAttribute]: { DataType: "String", StringValue: traffic },
          },
        }),
      );
    await publish("o-synthetic", "synthetic");
    await publish("o-1", "live");
    for (const queue of [resources.queues.paymentResults, resources.queues.notification]) {
      const messages = await receiveAll(sqs, queue.url);
      expect(messages.map((message) => message.Body)).toEqual(['{"orderId":"o-1","status":"CAPTURED"}']);
      expect(messages[0]?.MessageAttributes?.eventType).toMatchObject({ DataType: "String", StringValue: "PaymentCaptured" });
    }
  });

  it("creates order-events with 4 shards and analytics-events with 2", async () => {
    const shards = async (name: string) =>
      (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.OpenShardCount;
    expect(await shards(resources.streams.orderEvents)).toBe(4);
    expect(await shards(resources.streams.analyticsEvents)).toBe(2);
  });

  it("exports the SDK endpoints and SST links, DLQs included", () => {
    const { env } = platform;
    expect(env.AWS_ENDPOINT_URL_SQS).toBe(endpoints.sqs);
    expect(JSON.parse(env.SST_RESOURCE_PaymentProcessingQueue ?? "")).toEqual({ url: resources.queues.paymentProcessing.url });
    expect(JSON.parse(env.SST_RESOURCE_PaymentProcessingQueueDlq ?? "")).toEqual({ url: resources.queues.paymentProcessing.dlq?.url });
    expect(JSON.parse(env.SST_RESOURCE_ActiveOrders ?? "")).toEqual({ name: resources.tables.activeOrders });
    expect(JSON.parse(env.SST_RESOURCE_PaymentResultsTopic ?? "")).toEqual({ arn: resources.topics.paymentResults.arn });
    expect(JSON.parse(env.SST_RESOURCE_OrderEvents ?? "")).toEqual({ name: resources.streams.orderEvents });
    // A test run works in a database of its own, so concurrent runs never lease each other's outbox rows.
    expect(JSON.parse(env.SST_RESOURCE_Database ?? "")).toMatchObject({ host: "127.0.0.1", database: new URL(endpoints.databaseUrl).pathname.slice(1) });
    expect(new URL(endpoints.databaseUrl).pathname).toMatch(/^\/cloudcafe_t\d+$/);
    expect(JSON.parse(env.SST_RESOURCE_App ?? "")).toEqual({ name: "cloudcafe", stage: "local" });
  });

  it("replaces a subscription an older engine holds with other attributes, instead of refusing to start", async () => {
    const nameSuffix = `${platform.nameSuffix}-upgrade`;
    const first = await createResources(endpoints, { nameSuffix });
    try {
      const topicArn = first.topics.paymentResults.arn;
      const queueArn = first.queues.paymentResults.arn;
      const subscriptionsOfQueue = async () =>
        ((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions ?? []).filter((sub) => sub.TopicArn === topicArn && sub.Endpoint === queueArn);
      // The state an engine started before the subscriptions had filter policies still holds.
      for (const sub of await subscriptionsOfQueue()) await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn }));
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" } }));

      await createResources(endpoints, { nameSuffix });

      const [subscription, ...others] = await subscriptionsOfQueue();
      expect(others).toEqual([]);
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription?.SubscriptionArn }));
      expect(JSON.parse(Attributes?.FilterPolicy ?? "null")).toEqual(liveTrafficOnly);
      expect(Attributes?.RawMessageDelivery).toBe("true");
    } finally {
      await deleteResources(endpoints, first);
    }
  });

  it("applies the catalog's settings to a queue an older engine holds with other ones, instead of refusing to start", async () => {
    const nameSuffix = `${platform.nameSuffix}-settings`;
    const first = await createResources(endpoints, { nameSuffix });
    try {
      const url = first.queues.orderSubmission.url;
      // The engine kept a queue made from an earlier catalog: CreateQueue with today's settings is refused for it.
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "7" } }));

      await createResources(endpoints, { nameSuffix });

      expect((await queueAttributes(url)).VisibilityTimeout).toBe(String(queues.orderSubmission.visibilityTimeoutSeconds));
    } finally {
      await deleteResources(endpoints, first);
    }
  });

  it("is idempotent: creating the same resources twice keeps the same queues and settings", async () => {
    const nameSuffix = `${platform.nameSuffix}-again`;
    const first = await createResources(endpoints, { nameSuffix });
    try {
      const second = await createResources(endpoints, { nameSuffix });
      expect(second.queues).toEqual(first.queues);
      expect(second.env).toEqual(first.env);
    } finally {
      await deleteResources(endpoints, first);
    }
  });
});

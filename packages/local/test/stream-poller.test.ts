import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteItemCommand, DeleteTableCommand, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import type { DynamoDBStreamEvent, KinesisStreamEvent } from "aws-lambda";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@cloudcafe/observability";
import { dynamoClientFor, dynamoStreamsClientFor, kinesisClientFor, localRegion } from "../src/aws-clients.ts";
import { InvalidParameterValueException } from "../src/event-source/sqs-poller.ts";
import { memoryCheckpoints, type CheckpointStore } from "../src/event-source/stream-checkpoints.ts";
import { startStreamPoller, type StreamBatchFailure, type StreamPoller, type StreamPollerOptions } from "../src/event-source/stream-poller.ts";
import { dynamoStreamSource, kinesisStreamSource } from "../src/event-source/stream-sources.ts";
import { waitUntil } from "../src/process/net.ts";
import { localPlatform } from "../src/testing/env.ts";

const { endpoints } = localPlatform();
const kinesis = kinesisClientFor(endpoints.kinesis);
const dynamo = dynamoClientFor(endpoints.dynamodb);
const dynamoStreams = dynamoStreamsClientFor(endpoints.dynamodb);
const createdStreams: string[] = [];
const createdTables: string[] = [];
const pollers: StreamPoller[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

afterAll(async () => {
  await Promise.all([
    ...createdStreams.map((name) => kinesis.send(new DeleteStreamCommand({ StreamName: name }))),
    ...createdTables.map((name) => dynamo.send(new DeleteTableCommand({ TableName: name }))),
  ]);
  kinesis.destroy();
  dynamo.destroy();
  dynamoStreams.destroy();
});

async function kinesisStream(shards: number): Promise<string> {
  const name = `stream-poller-${randomUUID().slice(0, 8)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  createdStreams.push(name);
  await waitUntil(`${name} ACTIVE`, async () => {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return StreamDescriptionSummary?.StreamStatus === "ACTIVE";
  }, 20_000, 100);
  return name;
}

async function put(stream: string, partitionKey: string, body: unknown): Promise<string> {
  const { SequenceNumber } = await kinesis.send(
    new PutRecordCommand({ StreamName: stream, PartitionKey: partitionKey, Data: Buffer.from(JSON.stringify(body)) }),
  );
  return SequenceNumber!;
}

type Settings = Omit<StreamPollerOptions, "source" | "handler" | "onFailure">;
const defaults: Settings = {
  functionName: "stream-poller-test",
  batchSize: 100,
  maximumBatchingWindowSeconds: 0,
  startingPosition: "TRIM_HORIZON",
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  reportBatchItemFailures: true,
  idlePollMs: 100,
  shardDiscoveryMs: 200,
  retryBackoffMs: 10,
  // The failures these tests provoke on purpose would otherwise fill the output.
  logger: createLogger({ service: "stream-poller-test", write: () => {} }),
};

function pollKinesis(stream: string, handler: StreamPollerOptions["handler"], settings: Partial<Settings> = {}, failures: StreamBatchFailure[] = []) {
  const poller = startStreamPoller({
    ...defaults,
    ...settings,
    source: kinesisStreamSource(kinesis, stream, localRegion),
    handler,
    onFailure: async (failure) => void failures.push(failure),
  });
  pollers.push(poller);
  return poller;
}

const bodiesOf = (event: KinesisStreamEvent) => event.Records.map((record) => JSON.parse(Buffer.from(record.kinesis.data, "base64").toString()) as { n: number });

describe("stream event-source poller (Kinesis, on kinesalite)", () => {
  it("delivers every record once, in order per shard, in the event Lambda delivers", async () => {
    const stream = await kinesisStream(2);
    const sequenceNumbers: string[] = [];
    for (let n = 0; n < 20; n += 1) sequenceNumbers.push(await put(stream, `key-${n % 5}`, { n }));
    const events: KinesisStreamEvent[] = [];
    const poller = pollKinesis(stream, async (event: KinesisStreamEvent) => void events.push(event));

    await poller.caughtUp();

    const records = events.flatMap((event) => event.Records);
    expect(records.map((record) => record.kinesis.sequenceNumber).sort()).toEqual([...sequenceNumbers].sort());
    const byKey = new Map<string, number[]>();
    for (const event of events) {
      for (const [index, record] of event.Records.entries()) {
        byKey.set(record.kinesis.partitionKey, [...(byKey.get(record.kinesis.partitionKey) ?? []), bodiesOf(event)[index]!.n]);
      }
    }
    for (const numbers of byKey.values()) expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const first = records[0]!;
    expect(first).toMatchObject({ eventSource: "aws:kinesis", eventName: "aws:kinesis:record", awsRegion: localRegion });
    expect(first.eventSourceARN).toMatch(new RegExp(`^arn:aws:kinesis:.*:stream/${stream}$`));
    expect(first.eventID).toMatch(/^shardId-\d+:\d+$/);
    expect(typeof first.kinesis.approximateArrivalTimestamp).toBe("number");
  });

  it("resumes from the lowest sequence number the handler reported failed, never redelivering what succeeded", async () => {
    const stream = await kinesisStream(1);
    for (let n = 0; n < 6; n += 1) await put(stream, "one-key", { n });
    const seen: number[][] = [];
    const poller = pollKinesis(stream, async (event: KinesisStreamEvent) => {
      const bodies = bodiesOf(event);
      seen.push(bodies.map((body) => body.n));
      const failed = seen.length === 1 ? event.Records.filter((_, index) => bodies[index]!.n === 3 || bodies[index]!.n === 5) : [];
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
    });

    await poller.caughtUp();

    expect(seen).toEqual([[0, 1, 2, 3, 4, 5], [3, 4, 5]]);
  });

  it("bisects a batch with a poison record, sends only that record's description to the on-failure destination, and moves on", async () => {
    const stream = await kinesisStream(1);
    const poisonSequence: string[] = [];
    for (let n = 0; n < 8; n += 1) {
      const sequenceNumber = await put(stream, "one-key", { n });
      if (n === 5) poisonSequence.push(sequenceNumber);
    }
    const processed: number[] = [];
    const failures: StreamBatchFailure[] = [];
    const poller = pollKinesis(
      stream,
      async (event: KinesisStreamEvent) => {
        const bodies = bodiesOf(event);
        if (bodies.some((body) => body.n === 5)) throw new Error("poison record");
        processed.push(...bodies.map((body) => body.n));
      },
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 2, reportBatchItemFailures: false },
      failures,
    );

    await poller.caughtUp();

    expect(processed).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.requestContext).toMatchObject({ condition: "RetryAttemptsExhausted", approximateInvokeCount: 3 });
    expect(failures[0]!.responseContext.functionError).toContain("poison record");
    expect(failures[0]!.KinesisBatchInfo).toMatchObject({
      shardId: "shardId-000000000000",
      startSequenceNumber: poisonSequence[0],
      endSequenceNumber: poisonSequence[0],
      batchSize: 1,
    });
  });

  it("starts a split's children only after the parent shard is read to its end", async () => {
    const stream = await kinesisStream(1);
    for (let n = 0; n < 3; n += 1) await put(stream, `key-${n}`, { n });
    const order: number[] = [];
    const poller = pollKinesis(stream, async (event: KinesisStreamEvent) => void order.push(...bodiesOf(event).map((body) => body.n)));
    await poller.caughtUp();

    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const parent = Shards![0]!;
    const middle = ((BigInt(parent.HashKeyRange!.StartingHashKey!) + BigInt(parent.HashKeyRange!.EndingHashKey!)) / 2n).toString();
    await kinesis.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: parent.ShardId!, NewStartingHashKey: middle }));
    await waitUntil("the split", async () => {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      return StreamDescriptionSummary?.StreamStatus === "ACTIVE";
    }, 20_000, 100);
    for (let n = 3; n < 9; n += 1) await put(stream, `key-${n}`, { n });

    await waitUntil("the children's records", async () => order.length === 9, 20_000, 100);
    expect(order.slice(0, 3)).toEqual([0, 1, 2]);
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("reads less often on a quiet stream, still delivers what arrives, and reads at once again when woken", async () => {
    const stream = await kinesisStream(1);
    const source = kinesisStreamSource(kinesis, stream, localRegion);
    let reads = 0;
    const counted = { ...source, read: (...args: Parameters<typeof source.read>) => (reads++, source.read(...args)) };
    const delivered: { n: number; at: number }[] = [];
    const poller = startStreamPoller({
      ...defaults,
      quietAfterMs: 300,
      maxIdlePollMs: 1_000,
      source: counted,
      handler: async (event: KinesisStreamEvent) => void delivered.push(...bodiesOf(event).map(({ n }) => ({ n, at: Date.now() }))),
      onFailure: async () => {},
    });
    pollers.push(poller);
    await new Promise((r) => setTimeout(r, 1_500));
    const quietFrom = reads;
    await new Promise((r) => setTimeout(r, 2_000));
    // At the 100 ms idle interval this would be about 20 reads.
    expect(reads - quietFrom).toBeLessThanOrEqual(4);

    const putAt = Date.now();
    await put(stream, "k", { n: 1 });
    await waitUntil("record 1 delivered", async () => delivered.length === 1, 5_000, 20);
    expect(delivered[0]!.at - putAt).toBeLessThan(1_500);

    await new Promise((r) => setTimeout(r, 2_500));
    await put(stream, "k", { n: 2 });
    const wokenAt = Date.now();
    poller.wake();
    await waitUntil("record 2 delivered", async () => delivered.length === 2, 5_000, 10);
    expect(delivered[1]!.at - wokenAt).toBeLessThan(400);
  });

  it("starts a shard afresh when its checkpoint is from an earlier stream of the same name, instead of stalling on it", async () => {
    // What an engine restarted empty leaves: the checkpoint file names a record of the stream as it was created then.
    // A record of a stream created a second earlier stands in for it (kinesalite, as Kinesis, refuses it as "not from
    // this stream"); the stream read now was created again under the name and ARN the checkpoint's key holds.
    const before = await kinesisStream(1);
    const earlier = await put(before, "k", { n: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stream = await kinesisStream(1);
    for (let n = 1; n <= 3; n += 1) await put(stream, "k", { n });
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    const checkpoints = memoryCheckpoints();
    const key = `${defaults.functionName}|${StreamDescriptionSummary!.StreamARN}|shardId-000000000000`;
    checkpoints.set(key, earlier);
    const seen: number[] = [];

    const poller = pollKinesis(stream, async (event: KinesisStreamEvent) => void seen.push(...bodiesOf(event).map(({ n }) => n)), { checkpoints });
    await waitUntil("the stream's records", async () => seen.length === 3, 10_000, 50);
    await poller.caughtUp();

    expect(seen).toEqual([1, 2, 3]);
    expect(checkpoints.get(key)).not.toBe(earlier);
  });

  it("refuses what CreateEventSourceMapping refuses", () => {
    const start = (settings: Partial<Settings>) => () => pollKinesis("never-read", async () => undefined, settings);
    expect(start({ batchSize: 0 })).toThrow(InvalidParameterValueException);
    expect(start({ batchSize: 10_001 })).toThrow(/BatchSize must be from 1 to 10000/);
    expect(start({ maximumRetryAttempts: 10_001 })).toThrow(/MaximumRetryAttempts/);
    expect(start({ maximumRecordAgeSeconds: 30 })).toThrow(/MaximumRecordAgeInSeconds/);
    expect(start({ maximumBatchingWindowSeconds: 301 })).toThrow(/MaximumBatchingWindowInSeconds/);
  });
});

describe("stream event-source poller (DynamoDB Streams, on DynamoDB Local)", () => {
  async function tableWithStream(): Promise<string> {
    const name = `stream-poller-${randomUUID().slice(0, 8)}`;
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
      }),
    );
    createdTables.push(name);
    return name;
  }

  function pollTable(table: string, handler: StreamPollerOptions["handler"], checkpoints: CheckpointStore) {
    const poller = startStreamPoller({
      ...defaults,
      checkpoints,
      source: dynamoStreamSource(dynamo, dynamoStreams, table),
      handler,
      onFailure: async () => undefined,
    });
    pollers.push(poller);
    return poller;
  }

  it("delivers inserts, updates and deletes with both images, and resumes after its checkpoint when started again", async () => {
    const table = await tableWithStream();
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { id: { S: "a" }, stock: { N: "5" }, tag: { B: Buffer.from("xy") } } }));
    await dynamo.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: "a" } }, UpdateExpression: "SET stock = :s", ExpressionAttributeValues: { ":s": { N: "4" } } }));
    await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: "a" } } }));
    const checkpoints = memoryCheckpoints();
    const records: DynamoDBStreamEvent["Records"] = [];
    const first = pollTable(table, async (event: DynamoDBStreamEvent) => void records.push(...event.Records), checkpoints);
    await first.caughtUp();
    await first.stop();

    expect(records.map((record) => record.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    expect(records[0]).toMatchObject({ eventSource: "aws:dynamodb", dynamodb: { Keys: { id: { S: "a" } }, NewImage: { stock: { N: "5" }, tag: { B: "eHk=" } } } });
    expect(records[1]!.dynamodb).toMatchObject({ OldImage: { stock: { N: "5" } }, NewImage: { stock: { N: "4" } }, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(typeof records[1]!.dynamodb!.ApproximateCreationDateTime).toBe("number");
    expect(records[2]!.dynamodb!.OldImage).toMatchObject({ stock: { N: "4" } });

    await dynamo.send(new PutItemCommand({ TableName: table, Item: { id: { S: "b" }, stock: { N: "1" } } }));
    const later: DynamoDBStreamEvent["Records"] = [];
    const second = pollTable(table, async (event: DynamoDBStreamEvent) => void later.push(...event.Records), checkpoints);
    await second.caughtUp();

    expect(later.map((record) => [record.eventName, record.dynamodb?.Keys?.id?.S])).toEqual([["INSERT", "b"]]);
  });
});

import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DeleteStreamCommand, PutRecordCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { dynamoDocumentClient, kinesisAnalyticsEvents, kinesisClient, type ShardLease } from "@cloudcafe/adapters";
import { tables } from "@cloudcafe/catalog";
import type { AnalyticsEvent, AnalyticsEventType, AnalyticsItem } from "@cloudcafe/core";
import { localPlatform } from "@cloudcafe/local/testing/env";
import { spawnChild, type ManagedChild } from "@cloudcafe/local/process/children";
import { tsxCommand } from "@cloudcafe/local/process/tsx-node";
import { afterAll, beforeAll } from "vitest";
import { waitFor as waitForValue } from "../../order/test/support.ts";

/**
 * A stream and a lease table of the test's own, so a worker under test starts from an empty stream (other tests'
 * events would move its watermark) and from no checkpoint. The warehouse schema is the run's own too.
 */
export interface WorkerFixture {
  streamName: string;
  leaseTable: string;
  schema: string;
  remove(): Promise<void>;
}

export const runSchema = () => `analytics${localPlatform().nameSuffix.replace(/[^a-z0-9]/g, "_")}`;

export async function createWorkerFixture(shards = 2): Promise<WorkerFixture> {
  const id = randomUUID().slice(0, 8);
  const streamName = `analytics-events-test-${id}`;
  const leaseTable = `analytics-leases-test-${id}`;
  const kinesis = kinesisClient();
  const dynamo = dynamoDocumentClient();
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  await dynamo.send(
    new CreateTableCommand({
      TableName: leaseTable,
      KeySchema: [{ AttributeName: tables.analyticsLeases.partitionKey.name, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: tables.analyticsLeases.partitionKey.name, AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: streamName });
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: leaseTable });
  return {
    streamName,
    leaseTable,
    schema: runSchema(),
    async remove() {
      await Promise.allSettled([kinesis.send(new DeleteStreamCommand({ StreamName: streamName })), dynamo.send(new DeleteTableCommand({ TableName: leaseTable }))]);
    },
  };
}

/** The worker entry as its own process (as systemd runs it), on the fixture's stream, lease table and schema. */
export function startWorkerProcess(fixture: WorkerFixture, workerId: string, env: Record<string, string> = {}): ManagedChild {
  const command = tsxCommand(new URL("../src/worker.ts", import.meta.url));
  return spawnChild({
    name: `analytics worker ${workerId}`,
    ...command,
    logFile: workerLogFile(fixture),
    env: {
      ...process.env,
      SST_RESOURCE_AnalyticsEvents: JSON.stringify({ name: fixture.streamName }),
      SST_RESOURCE_AnalyticsLeases: JSON.stringify({ name: fixture.leaseTable }),
      ANALYTICS_SCHEMA: fixture.schema,
      ANALYTICS_WORKER_ID: workerId,
      ANALYTICS_FLUSH_INTERVAL_MS: "300",
      ANALYTICS_LEASE_DURATION_MS: "5000",
      ANALYTICS_DISCOVERY_INTERVAL_MS: "2000",
      LOG_LEVEL: "INFO",
      ...env,
    },
  });
}

/** The warehouse on the fixture's schema, to read what its workers wrote (the runtime reads the local env when loaded). */
async function warehouseReader(fixture: Pick<WorkerFixture, "schema">) {
  const { analyticsWarehouse } = await import("../src/runtime.ts");
  return analyticsWarehouse({ workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME!, schema: fixture.schema });
}

export interface WorkerTest {
  fixture: WorkerFixture;
  reader: Awaited<ReturnType<typeof warehouseReader>>;
  /** The worker copy under test: stopped after the file's tests, whatever they left running. */
  worker?: ManagedChild;
}

/** A worker fixture of the test file's own, created before its tests and removed after, with a warehouse reader. */
export function useWorkerFixture(shards: number): WorkerTest {
  const test = {} as WorkerTest;
  beforeAll(async () => {
    test.fixture = await createWorkerFixture(shards);
    test.reader = await warehouseReader(test.fixture);
  });
  afterAll(async () => {
    await test.worker?.stop(2_000);
    test.reader?.close();
    await test.fixture?.remove();
  });
  return test;
}

export const MINUTE = 60_000;

/** Event times in whole minutes from `minutesAgo` minutes before now: `at(minute, second)` counts from `base`. */
export function minutesFrom(minutesAgo: number): { base: number; at: (minute: number, second: number) => number } {
  const base = Math.floor((Date.now() - minutesAgo * MINUTE) / MINUTE) * MINUTE;
  return { base, at: (minute, second) => base + minute * MINUTE + second * 1_000 };
}

/** Where a fixture's worker processes write their logs and EMF documents. */
export const workerLogFile = (fixture: Pick<WorkerFixture, "streamName">) => `/tmp/cloudcafe-${fixture.streamName}.log`;

export async function leasesOf(fixture: WorkerFixture): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await dynamoDocumentClient().send(new ScanCommand({ TableName: fixture.leaseTable, ConsistentRead: true }));
  return Items;
}
export type { ShardLease };

export async function putEvents(streamName: string, events: readonly AnalyticsEvent[]): Promise<void> {
  // One at a time, so the shard holds them in the order given (PutRecords does not promise an order within a call).
  for (const event of events) {
    const failed = await kinesisAnalyticsEvents(kinesisClient(), streamName).publish([event]);
    if (failed.length > 0) throw new Error(`could not put event ${event.eventId}`);
  }
}

export async function putRaw(streamName: string, partitionKey: string, data: string): Promise<void> {
  await kinesisClient().send(new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: Buffer.from(data) }));
}

const ITEMS: readonly Omit<AnalyticsItem, "quantity" | "amountCents">[] = [
  { sku: "ESP-003", category: "espresso" },
  { sku: "BAK-001", category: "bakery" },
  { sku: "TEA-002", category: "tea" },
];

/** An order's placed and paid events at the given event times, with one or two lines priced from the index. */
export function orderEvents(storeId: string, index: number, placedAtMs: number, paidAtMs?: number): AnalyticsEvent[] {
  const orderId = `ord_test_${storeId}_${index}`;
  const items = [0, 1].slice(0, 1 + (index % 2)).map((line) => {
    const item = ITEMS[(index + line) % ITEMS.length]!;
    const quantity = 1 + ((index + line) % 3);
    return { ...item, quantity, amountCents: quantity * (300 + 25 * ((index + line) % 5)) };
  });
  const totalCents = items.reduce((sum, item) => sum + item.amountCents, 0);
  const event = (type: AnalyticsEventType, atMs: number): AnalyticsEvent => ({
    eventId: `${orderId}-${type}`,
    type,
    orderId,
    storeId,
    occurredAt: new Date(atMs).toISOString(),
    totalCents,
    items,
  });
  return [event("OrderPlaced", placedAtMs), ...(paidAtMs === undefined ? [] : [event("OrderPaid", paidAtMs)])];
}

/** The order suites' wait, with what is awaited named first as these tests read. */
export const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> => waitForValue(probe, what, timeoutMs);

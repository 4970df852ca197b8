import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { Redis } from "ioredis";
import {
  counterChangeOf,
  createRedis,
  dynamoDocumentClient,
  dynamoStockLedger,
  redisRateLimiter,
  redisStockCounters,
} from "@cloudcafe/adapters";
import { createInventoryService, type InventoryRateLimits, type StockCounters } from "@cloudcafe/core";
import { freePort } from "@cloudcafe/local/process/net";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createInventoryApp } from "../src/app.ts";
import { loadInventoryServiceConfig } from "../src/config.ts";
import { applyStockStream } from "../src/events/apply-stock-stream.ts";

export const OPERATOR_TOKEN = "inventory-test-operator-token";
export const logger = createLogger({ service: "inventory-test", write: () => {} });
export const metrics = createMetrics({ namespace: "CloudCafe/Test", service: "inventory-test" });

/** Limits no test of behaviour reaches; the rate-limit test passes its own. */
export const generousLimits: InventoryRateLimits = {
  updates: { capacity: 10_000, refillPerSecond: 10_000 },
  reservations: { capacity: 10_000, refillPerSecond: 10_000 },
};

/**
 * DynamoDB for the contention tests: 200 transactions at once on a machine shared with other test runs can keep
 * DynamoDB Local from accepting a connection within the service's 2 s, which is not what these tests are about.
 */
const patientDynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: { connectionTimeout: 15_000, requestTimeout: 60_000 }, maxAttempts: 5 }));

export const uniqueStoreId = (name: string) => `store-${name}-${Math.random().toString(36).slice(2, 10)}`;
export const anOrderId = () => `ord_${Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("")}`;

export interface InventoryFixtureOptions {
  /** `down`: MemoryDB's client points at a port nothing listens on. */
  memoryDb?: "up" | "down";
  limits?: InventoryRateLimits;
  clock?: () => Date;
  reservationTimeoutMs?: number;
}

/** The Inventory app and service on this run's table and MemoryDB, wired as its runtime wires them. */
export async function inventoryFixture(options: InventoryFixtureOptions = {}) {
  const config = loadInventoryServiceConfig();
  const memoryDb = createRedis(options.memoryDb === "down" ? { ...config.counters, port: await freePort() } : config.counters);
  memoryDb.on("error", () => undefined);
  // Connected before the first request: the client queues nothing offline, so an early command would find it "down".
  if (options.memoryDb !== "down") await new Promise((resolve) => (memoryDb.status === "ready" ? resolve(undefined) : memoryDb.once("ready", resolve)));
  const ledger = dynamoStockLedger(patientDynamo, config.table);
  const counters = redisStockCounters(memoryDb, config.table);
  const service = createInventoryService({
    ledger,
    counters,
    limiter: redisRateLimiter(memoryDb, config.table),
    limits: options.limits ?? generousLimits,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.reservationTimeoutMs ? { reservationTimeoutMs: options.reservationTimeoutMs } : {}),
  });
  const app = createInventoryApp({ service, logger, metrics, checks: {}, config: { operatorToken: OPERATOR_TOKEN } });
  return { config, app, service, ledger, counters, memoryDb, close: () => memoryDb.disconnect() };
}

/** A store of this run's table with the given stock (a fixture written as the starter stock is). */
export async function stockStore(table: string, storeId: string, stock: Record<string, number>, status: "open" | "closed" = "open") {
  const dynamo = dynamoDocumentClient();
  await dynamo.send(new PutCommand({ TableName: table, Item: { storeId, sku: "#store", status, version: 1 } }));
  for (const [sku, onHand] of Object.entries(stock)) {
    await dynamo.send(new PutCommand({ TableName: table, Item: { storeId, sku, onHand, reserved: 0, available: onHand, version: 1 } }));
  }
}

export const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

export function postJson(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Every record of the table's stream from the start, in shard order, as Lambda's DynamoDB event carries them. */
export async function streamRecords(table: string): Promise<DynamoDBRecord[]> {
  const { Table } = await dynamoDocumentClient().send(new DescribeTableCommand({ TableName: table }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`${table} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS ?? process.env.AWS_ENDPOINT_URL_DYNAMODB });
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...(page.Records ?? []).map(asLambdaRecord));
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  } finally {
    streams.destroy();
  }
}

/** The Streams API's record in the shape Lambda hands the function (same fields; dates as epoch seconds). */
function asLambdaRecord(record: _Record): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventSource: "aws:dynamodb",
    dynamodb: { ...(rest as DynamoDBRecord["dynamodb"]), ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: ApproximateCreationDateTime.getTime() / 1000 } : {}) },
  } as DynamoDBRecord;
}

/** Feeds records to the stream consumer in batches of the catalog's size, as the event-source mapping would. */
export async function applyToCounters(records: DynamoDBRecord[], counters: StockCounters, batchSize = 100) {
  const outcomes: string[] = [];
  for (let i = 0; i < records.length; i += batchSize) {
    const event: DynamoDBStreamEvent = { Records: records.slice(i, i + batchSize) };
    const response = await applyStockStream(event, { counters, decode: counterChangeOf, logger, metrics });
    outcomes.push(...response.batchItemFailures.map((failure) => failure.itemIdentifier));
  }
  return outcomes;
}

/** The raw counters of one store, field by field (what MemoryDB holds). */
export const countersOf = (memoryDb: Redis, table: string, storeId: string) => memoryDb.hgetall(`${table}:stock:{${storeId}}`);

/**
 * DynamoDB Local's own ceiling (`npm run bench -- dynamodb [--seconds 5] [--connections 16]`): the engine the order
 * path's reservations, settlements, transaction log and active-order projection all go through, measured alone on a
 * port of its own with nothing else running against it. For each kind of call the order path makes, a closed loop of
 * `connections` clients for `seconds`: calls/s, p50/p99, and the JVM's CPU milliseconds per call (from /proc), so the
 * README can say how many paid orders a second this engine can carry on this machine, whatever the platform does.
 */
import { randomBytes } from "node:crypto";
import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { dynamoClientFor } from "@cloudcafe/local/aws-clients";
import { readLocalConfig } from "@cloudcafe/local/config";
import { startDynamoDb } from "@cloudcafe/local/engines/dynamodb";
import { fmt, percentile, positiveArg } from "./load.ts";
import { cpuDelta, machineLoad, pidListeningOn, snapshot, type TrackedProcess } from "./processes.ts";

const PORT = Number(process.env.BENCH_DYNAMODB_ALONE_PORT ?? 8490);
const TABLE = "bench-ceiling";
const HOT_KEY = "hot";

export interface DynamoDbBenchOptions {
  readonly seconds: number;
  readonly connections: number;
}

export function dynamoDbOptionsFrom(args: readonly string[]): DynamoDbBenchOptions {
  return { seconds: positiveArg(args, "seconds", 5), connections: positiveArg(args, "connections", 16) };
}

const id = () => randomBytes(8).toString("hex");

/** The calls the order path makes, in the shape it makes them (items of a few hundred bytes). */
function calls(client: DynamoDBClient, keys: readonly string[]): { name: string; call: (i: number) => Promise<unknown> }[] {
  const key = (i: number) => keys[i % keys.length]!;
  const order = { payload: { S: "x".repeat(400) }, status: { S: "PENDING" } };
  return [
    { name: "GetItem", call: (i) => client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: key(i) } } })) },
    { name: "PutItem (the active-order projection)", call: () => client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: id() }, ...order } })) },
    {
      name: "UpdateItem ADD, spread over 1,000 items",
      call: (i) => client.send(new UpdateItemCommand({ TableName: TABLE, Key: { pk: { S: key(i) } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } })),
    },
    {
      name: "UpdateItem ADD, one hot item",
      call: () => client.send(new UpdateItemCommand({ TableName: TABLE, Key: { pk: { S: HOT_KEY } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } })),
    },
    {
      // A reservation's shape: a conditional decrement of the stock item and the reservation's own record, atomically.
      name: "TransactWriteItems: conditional update + put (a reservation)",
      call: (i) =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk: { S: key(i) } },
                  UpdateExpression: "ADD reserved :one",
                  ConditionExpression: "attribute_exists(pk)",
                  ExpressionAttributeValues: { ":one": { N: "1" } },
                },
              },
              { Put: { TableName: TABLE, Item: { pk: { S: `reservation-${id()}` }, ...order }, ConditionExpression: "attribute_not_exists(pk)" } },
            ],
          }),
        ),
    },
  ];
}

async function closedLoop(call: (i: number) => Promise<unknown>, options: DynamoDbBenchOptions) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await call(next++);
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function runDynamoDbBench(options: DynamoDbBenchOptions): Promise<void> {
  const base = readLocalConfig();
  const config = { ...base, ports: { ...base.ports, dynamodb: PORT } };
  console.log(`DynamoDB Local alone (port ${PORT}; ${machineLoad()}): ${options.connections} clients, ${options.seconds} s per kind of call`);
  const engine = await startDynamoDb({ config, daemon: false });
  try {
    const client = dynamoClientFor(engine.url);
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const keys = Array.from({ length: 1_000 }, (_, i) => `item-${i}`);
    for (const key of [...keys, HOT_KEY]) await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: key }, n: { N: "0" } } }));
    const pid = pidListeningOn(PORT);
    if (!pid) throw new Error(`no process found listening on ${PORT}`);
    const tracked: TrackedProcess[] = [{ label: "DynamoDB Local (java)", pids: () => [pid] }];
    // The JVM compiles its hot paths in the first seconds: a warm-up of every kind first, unmeasured.
    for (const { call } of calls(client, keys)) await closedLoop(call, { ...options, seconds: 2 });
    const rows = [];
    for (const { name, call } of calls(client, keys)) {
      const before = await snapshot(tracked);
      const result = await closedLoop(call, options);
      const after = await snapshot(tracked, before);
      const seconds = (after.at - before.at) / 1000;
      const cpuMs = [...cpuDelta(before, after).values()].reduce((sum, ms) => sum + ms, 0);
      rows.push({
        call: name,
        "calls/s": fmt(result.calls / seconds, 0),
        errors: result.errors,
        "p50 ms": fmt(result.p50, 1),
        "p99 ms": fmt(result.p99, 1),
        "JVM % of a core": fmt((cpuMs / 1000 / seconds) * 100, 0),
        "JVM CPU ms / call": fmt(cpuMs / Math.max(1, result.calls), 2),
      });
    }
    console.table(rows);
  } finally {
    await engine.stop();
  }
}

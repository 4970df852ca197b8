import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import type { OrderEventRecord } from "@cloudcafe/adapters";
import { kinesisClient } from "@cloudcafe/adapters";
import type { CreateOrderInput } from "@cloudcafe/core";

/** Gateway-free HTTP calls straight into a Hono app. */
export interface AppLike {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export function anOrder(overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    customerId: `cust-${Math.random().toString(36).slice(2, 10)}`,
    storeId: "store-sea-001",
    items: [
      { sku: "ESP-003", quantity: 2, size: "grande", options: ["oat-milk"] },
      { sku: "BAK-001", quantity: 1, size: "single", options: [] },
    ],
    ...overrides,
  };
}

export function postOrder(app: AppLike, body: unknown, headers: Record<string, string> = {}) {
  return app.request("/api/orders", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// Responses are JSON; tests assert on their shape.
export const bodyOf = async (res: Response): Promise<any> => res.json();

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** Every record on the stream from the start, across all shards (the local stream is small). */
export async function readStream(streamName: string): Promise<OrderEventRecord[]> {
  const kinesis = kinesisClient();
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: OrderEventRecord[] = [];
  for (const shard of Shards) {
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }),
    );
    let iterator = ShardIterator;
    for (let page = 0; iterator && page < 20; page++) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of out.Records ?? []) records.push(JSON.parse(Buffer.from(r.Data!).toString("utf8")) as OrderEventRecord);
      if (!out.Records?.length) break;
      iterator = out.NextShardIterator;
    }
  }
  return records;
}

export async function eventsFor(streamName: string, orderId: string) {
  return (await readStream(streamName)).filter((e) => e.order.orderId === orderId);
}

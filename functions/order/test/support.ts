import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from "@aws-sdk/client-kinesis";
import type { ClientResponse } from "hono/client";
import { testClient } from "hono/testing";
import { expect } from "vitest";
import type { OrderEventRecord } from "@cloudcafe/adapters";
import { kinesisClient } from "@cloudcafe/adapters";
import type { CreateOrderInput } from "@cloudcafe/core";
import type { OrderApp } from "../src/app.ts";

/** The typed client the console uses (`hc` over the app's route types), calling the app in process. */
export const orderClient = (app: OrderApp) => testClient(app);
export type OrderClient = ReturnType<typeof orderClient>;

/** The body of an answer, typed by its route's contract for `status`, once the status is checked. */
export async function bodyAt<R extends ClientResponse<unknown, number, "json">, S extends R["status"]>(response: R, status: S) {
  expect(response.status).toBe(status);
  return (await response.json()) as Awaited<ReturnType<Extract<R, { status: S }>["json"]>>;
}

export const readOrder = (client: OrderClient, orderId: string) => client.api.orders[":id"].$get({ param: { id: orderId } });
export const orderStatus = async (client: OrderClient, orderId: string) => (await bodyAt(await readOrder(client, orderId), 200)).status;

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

/** `POST /api/orders` through the typed client, with the caller's trace context when given. */
export function placeOrder(client: OrderClient, input: CreateOrderInput = anOrder(), options: { idempotencyKey?: string; traceparent?: string } = {}) {
  const header = options.idempotencyKey === undefined ? {} : { "Idempotency-Key": options.idempotencyKey };
  return client.api.orders.$post({ json: input, header }, options.traceparent ? { headers: { traceparent: options.traceparent } } : {});
}

/** Posts any body, for input the typed client cannot express (malformed or outside the contract). */
export function postBody(app: OrderApp, body: unknown, headers: Record<string, string> = {}) {
  return app.request("/api/orders", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// Answers to input outside the contract are JSON too; tests assert on their shape.
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

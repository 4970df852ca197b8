/**
 * Analytics pipeline benchmark (called by bench/run.ts on the platform it started; numbers, not assertions):
 *   1. events/s through the whole pipeline: N order events put on `order-events` for a store of their own, until the
 *      Analytics API counts all of them (the local order-events mapping, the consumer, `analytics-events`, the
 *      worker's windows and its Redshift writes, the read API);
 *   2. paid-to-readable delay: orders paid at a steady rate, each until the API's count for its minute includes it
 *      (p50/p99), and per window, from the window's end until its final total is readable (the delay with the
 *      window length subtracted).
 */
import { randomUUID } from "node:crypto";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { kinesisClient } from "@cloudcafe/adapters";
import { streams } from "@cloudcafe/catalog";
import type postgres from "postgres";
import { percentile } from "./load.ts";

export interface AnalyticsBenchOptions {
  gateway: string;
  sql: postgres.Sql;
  /** Places one order (the bench's POST /api/orders at store-sea-001) and answers its id. */
  placeOrder: (i: number) => Promise<string>;
}

const EVENTS = Number(process.env.BENCH_ANALYTICS_EVENTS ?? 5_000);
const PAID_ORDERS = Number(process.env.BENCH_ANALYTICS_ORDERS ?? 60);
const PAID_PER_SECOND = Number(process.env.BENCH_ANALYTICS_PER_SECOND ?? 2);
const MINUTE = 60_000;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

interface Minute {
  windowStart: string;
  ordersPlaced: number;
  ordersPaid: number;
}

async function minutes(gateway: string, storeId: string, fromMs: number): Promise<Minute[]> {
  const query = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(Date.now() + MINUTE).toISOString() });
  const response = await fetch(`${gateway}/api/analytics/stores/${storeId}/minutes?${query}`);
  if (!response.ok) return [];
  return ((await response.json()) as { windows: Minute[] }).windows;
}

async function throughput(gateway: string): Promise<void> {
  const storeId = `bench-analytics-${Date.now().toString(36)}`;
  const kinesis = kinesisClient();
  const startedMs = Date.now();
  for (let first = 0; first < EVENTS; first += 500) {
    const records = Array.from({ length: Math.min(500, EVENTS - first) }, (_, index) => {
      const at = new Date().toISOString();
      const event = {
        eventId: randomUUID(),
        type: "OrderCreated",
        occurredAt: at,
        order: { orderId: `ord_bench_${first + index}`, customerId: `bench-${index % 50}`, storeId, status: "PENDING", totalCents: 450, currency: "USD", version: 1 },
        items: [{ sku: "ESP-003", quantity: 1, lineTotalCents: 450 }],
      };
      return { PartitionKey: event.order.customerId, Data: Buffer.from(JSON.stringify(event)) };
    });
    const { FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName: streams.orderEvents.name, Records: records }));
    if (FailedRecordCount) throw new Error(`${FailedRecordCount} order events refused by the stream`);
  }
  const putMs = Date.now() - startedMs;
  const deadline = Date.now() + 300_000;
  let counted = 0;
  while (Date.now() < deadline) {
    counted = (await minutes(gateway, storeId, startedMs - MINUTE)).reduce((sum, window) => sum + window.ordersPlaced, 0);
    if (counted >= EVENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (Date.now() - startedMs) / 1000;
  console.table([
    {
      "analytics pipeline": `${counted}/${EVENTS} order events counted`,
      "events/s": fmt(counted / seconds),
      "put s": fmt(putMs / 1000, 1),
      "total s": fmt(seconds, 1),
    },
  ]);
}

async function paidToReadable(options: AnalyticsBenchOptions): Promise<void> {
  const storeId = "store-sea-001";
  const phaseStart = Date.now();
  const placing = (async () => {
    for (let i = 0; i < PAID_ORDERS; i++) {
      await options.placeOrder(300_000 + i);
      await new Promise((resolve) => setTimeout(resolve, 1000 / PAID_PER_SECOND));
    }
  })();
  // From the start of the phase's first minute: the API's count of that minute includes earlier payments in it.
  const firstMinute = Math.floor(phaseStart / MINUTE) * MINUTE;
  const paid = async () =>
    (await options.sql<{ paid_ms: string }[]>`
      select (extract(epoch from updated_at) * 1000)::bigint as paid_ms from orders
      where store_id = ${storeId} and status = 'PAID' and updated_at >= ${new Date(firstMinute).toISOString()}
      order by updated_at`).map((row) => Number(row.paid_ms));
  let placed = false;
  void placing.then(() => (placed = true));
  // When the API's paid count of each minute was first seen at each value, polled until every paid order is readable.
  const seenAt = new Map<number, number[]>();
  const deadline = Date.now() + 300_000;
  let paidMs: number[] = [];
  while (Date.now() < deadline) {
    const now = Date.now();
    for (const window of await minutes(options.gateway, storeId, phaseStart - MINUTE)) {
      const start = Date.parse(window.windowStart);
      const seen = seenAt.get(start) ?? [];
      for (let k = seen.length; k < window.ordersPaid; k++) seen.push(now);
      seenAt.set(start, seen);
    }
    if (placed) {
      paidMs = await paid();
      const readable = [...seenAt.values()].reduce((sum, seen) => sum + seen.length, 0);
      if (paidMs.length >= PAID_ORDERS && readable >= paidMs.length) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await placing;
  const delays: number[] = [];
  const afterWindowEnd: number[] = [];
  const byMinute = new Map<number, number[]>();
  for (const ms of paidMs) byMinute.set(Math.floor(ms / MINUTE) * MINUTE, [...(byMinute.get(Math.floor(ms / MINUTE) * MINUTE) ?? []), ms]);
  for (const [minute, paidInMinute] of byMinute) {
    const seen = seenAt.get(minute) ?? [];
    paidInMinute.forEach((ms, rank) => {
      if (ms >= phaseStart && seen[rank] !== undefined) delays.push(Math.max(0, seen[rank]! - ms));
    });
    const final = seen[paidInMinute.length - 1];
    if (final !== undefined) afterWindowEnd.push(final - (minute + MINUTE));
  }
  delays.sort((a, b) => a - b);
  afterWindowEnd.sort((a, b) => a - b);
  console.table([
    {
      "paid -> readable": `${delays.length}/${PAID_ORDERS} orders at ${PAID_PER_SECOND}/s`,
      "p50 ms": fmt(percentile(delays, 50)),
      "p99 ms": fmt(percentile(delays, 99)),
      "window end -> final total p50 ms": fmt(percentile(afterWindowEnd, 50)),
      "p99 ms ": fmt(percentile(afterWindowEnd, 99)),
    },
  ]);
  console.log(
    "note: the worker writes open windows on every flush (1 s), so a payment is readable before its minute ends; " +
      "'window end -> final total' is the delay with the window length subtracted (negative: the total was final before the minute ended).",
  );
}

export async function runAnalyticsBench(options: AnalyticsBenchOptions): Promise<void> {
  console.log("\nAnalytics pipeline");
  await throughput(options.gateway);
  await paidToReadable(options);
}

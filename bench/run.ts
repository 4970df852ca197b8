/**
 * `npm run bench`: numbers, not assertions. Starts the local platform (engines reused when running), then measures
 *   1. POST /api/orders and GET /api/orders/:id through the gateway: throughput, p50, p99;
 *   2. a bare Hono endpoint on this machine through the same kind of client, and the ratio;
 *   3. end-to-end time from POST to PAID (server timestamps: created_at -> updated_at): under the load phase's
 *      backlog, then over 200+ orders arriving at a steady rate on a drained pipeline;
 *   4. the Menu service: cached and uncached GET /api/menu/items beside the bare endpoint, a 10,000-item sync, and
 *      the DocumentDB stand-in's find by sku (bench/menu.ts);
 *   5. the Inventory service: reservations/s and p99 on one SKU and spread, cached store reads (bench/inventory.ts);
 *   6. the stress engine's numbers (bench/stress.ts);
 *   7. the analytics pipeline: events/s, and paid-to-readable delay (bench/analytics.ts);
 *   8. the cold-start avalanche on the real payment handler through the Lambda API stand-in (bench/avalanche.ts);
 *   9. the Loyalty tier batch: 10M users seeded with COPY, the in-memory core, the recalculation end to end with its
 *      peak RSS (bench/loyalty.ts; BENCH_LOYALTY_USERS sets a smaller population, and the output says which ran).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";
import { percentile, runLoad, type LoadResult } from "./load.ts";
import { restock, runInventoryBench } from "./inventory.ts";
import { runMenuBench } from "./menu.ts";
import { runAnalyticsBench } from "./analytics.ts";
import { readLocalConfig } from "@cloudcafe/local/config";
import { documentDbUrl } from "@cloudcafe/local/engines/documentdb";
import { BENCH_ENGINE_PORTS, gateway, INVENTORY_PORT, OPERATOR_TOKEN, startBenchPlatform } from "./platform.ts";
import { orderPathOptionsFrom, runOrderPathBench } from "./order-path.ts";

const BARE_PORT = Number(process.env.BENCH_BARE_PORT ?? 3499);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const E2E_ORDERS = Math.max(200, Number(process.env.BENCH_E2E_ORDERS ?? 200));
const E2E_PER_SECOND = Number(process.env.BENCH_E2E_PER_SECOND ?? 10);

const orderBody = (i: number, customerId = `bench-${i % 50}`) =>
  JSON.stringify({
    customerId,
    storeId: "store-sea-001",
    items: [
      { sku: "ESP-003", quantity: 1 + (i % 3), size: "grande", options: ["oat-milk"] },
      { sku: "BAK-002", quantity: 1, size: "single", options: [] },
    ],
  });
const post = (i: number, customerId?: string) =>
  fetch(`${gateway}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: orderBody(i, customerId) });

/** The platform for the sections after the order path: quiet (WARN logs, no EMF) so they measure their own work. */
const startPlatform = () => startBenchPlatform({ env: { LOG_LEVEL: "WARN", CLOUDCAFE_METRICS_DISABLED: "true" } });

interface Settlement {
  paidMs: number[];
  pending: number;
  seconds: number;
}

/** Waits (bounded) until none of `ids` is PENDING; latency of each paid order from server timestamps. */
async function waitForSettlement(sql: postgres.Sql, ids: readonly string[], timeoutMs: number): Promise<Settlement> {
  const started = Date.now();
  let rows: { status: string; ms: number }[] = [];
  while (Date.now() - started < timeoutMs) {
    rows = await sql<{ status: string; ms: number }[]>`
      SELECT status, EXTRACT(EPOCH FROM updated_at - created_at)::float * 1000 AS ms FROM orders WHERE order_id IN ${sql(ids as string[])}`;
    if (rows.every((r) => r.status !== "PENDING")) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const paidMs = rows.filter((r) => r.status === "PAID").map((r) => r.ms).sort((a, b) => a - b);
  return { paidMs, pending: rows.filter((r) => r.status === "PENDING").length, seconds: (Date.now() - started) / 1000 };
}

/** Orders arrive at a steady `perSecond` (open loop, a customer each), as a busy store's do, not in one burst. */
async function postPaced(count: number, perSecond: number): Promise<string[]> {
  const ids: Promise<string>[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(post(200_000 + i, `e2e-${Date.now()}-${i}`).then(async (res) => ((await res.json()) as { orderId: string }).orderId));
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  return Promise.all(ids);
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const row = (name: string, r: LoadResult) => ({ endpoint: name, requests: r.requests, errors: r.errors, "req/s": fmt(r.rps, 0), "p50 ms": fmt(r.p50Ms, 2), "p99 ms": fmt(r.p99Ms, 2) });

async function main() {
  console.log(`bench: ${REQUESTS} requests per endpoint at concurrency ${CONCURRENCY}; ${E2E_ORDERS} orders end to end`);
  const bare = new Hono().get("/ping", (c) => c.json({ ok: true }));
  const bareServer = serve({ fetch: bare.fetch, port: BARE_PORT, hostname: "127.0.0.1" });
  const platform = await startPlatform();
  try {
    // Every order of the load below reserves stock at store-sea-001: enough for all of them.
    await restock(gateway, OPERATOR_TOKEN, "store-sea-001", 100_000);
    const bareResult = await runLoad(() => fetch(`http://127.0.0.1:${BARE_PORT}/ping`), { requests: REQUESTS, concurrency: CONCURRENCY, expectStatus: 200 });
    const created: string[] = [];
    const postResult = await runLoad(
      async (i) => {
        const res = await post(i);
        if (res.status === 201) created.push(((await res.clone().json()) as { orderId: string }).orderId);
        return res;
      },
      { requests: REQUESTS, concurrency: CONCURRENCY, expectStatus: 201 },
    );
    const sql = postgres(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/cloudcafe", { max: 2 });
    try {
      // The load phase left a payment backlog: drain it first, and report how fast the pipeline did that.
      const drain = await waitForSettlement(sql, created, 600_000);
      console.log(
        `payment pipeline drained the ${created.length} load-phase orders in ${fmt(drain.seconds, 1)} s ` +
          `(${drain.pending} still pending); POST -> PAID under that backlog: p50 ${fmt(percentile(drain.paidMs, 50), 0)} ms, p99 ${fmt(percentile(drain.paidMs, 99), 0)} ms`,
      );
      // Reads on a quiet pipeline, so they measure the read path rather than the payment backlog's CPU.
      const getResult = await runLoad((i) => fetch(`${gateway}/api/orders/${created[i % created.length]}`), {
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        expectStatus: 200,
      });
      console.table([row("bare Hono GET /ping", bareResult), row("POST /api/orders (gateway)", postResult), row("GET /api/orders/:id (gateway)", getResult)]);
      console.log(
        `ratio to bare Hono (throughput): POST ${fmt(postResult.rps / bareResult.rps, 3)}x, GET ${fmt(getResult.rps / bareResult.rps, 3)}x; ` +
          `p50 latency: POST ${fmt(postResult.p50Ms / bareResult.p50Ms, 1)}x, GET ${fmt(getResult.p50Ms / bareResult.p50Ms, 1)}x`,
      );
      console.log("note: POST runs while the payment pipeline works through what it creates; GET runs after that drained.");

      const ids = await postPaced(E2E_ORDERS, E2E_PER_SECOND);
      const e2e = await waitForSettlement(sql, ids, 300_000);
      console.table([
        {
          "POST -> PAID": `${e2e.paidMs.length}/${E2E_ORDERS} paid at ${E2E_PER_SECOND}/s`,
          "p50 ms": fmt(percentile(e2e.paidMs, 50), 0),
          "p99 ms": fmt(percentile(e2e.paidMs, 99), 0),
          "max ms": fmt(e2e.paidMs.at(-1) ?? Number.NaN, 0),
        },
      ]);
      console.log("note: the pollers' long polls, the payment queue's batches of up to 10 (no batching window: FIFO) and the ~100 ms mock gateway shape POST -> PAID.");

      const local = readLocalConfig();
      await runMenuBench({
        gateway,
        bareUrl: `http://127.0.0.1:${BARE_PORT}/ping`,
        operatorToken: OPERATOR_TOKEN,
        mongodbUrl: local.mongodbUrl ?? documentDbUrl(local.host, BENCH_ENGINE_PORTS["documentdb stand-in"]),
        redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        requests: REQUESTS,
        concurrency: CONCURRENCY,
      });
      await runAnalyticsBench({ gateway, sql, placeOrder: async (i) => ((await (await post(i, `analytics-${i}`)).json()) as { orderId: string }).orderId });
      await runInventoryBench({
        gateway,
        inventoryUrl: `http://127.0.0.1:${INVENTORY_PORT}`,
        bareUrl: `http://127.0.0.1:${BARE_PORT}/ping`,
        operatorToken: OPERATOR_TOKEN,
        requests: REQUESTS,
        concurrency: CONCURRENCY,
      });
    } finally {
      await sql.end();
    }
  } finally {
    await platform.stop();
    bareServer.close();
  }

  const stress = await import("./stress.ts").catch(() => undefined);
  if (stress && "runStressBench" in stress) await (stress as { runStressBench: () => Promise<void> }).runStressBench();
  const { runAvalancheBench } = await import("./avalanche.ts");
  await runAvalancheBench();
  const { runLoyaltyBench } = await import("./loyalty.ts");
  await runLoyaltyBench({ users: Number(process.env.BENCH_LOYALTY_USERS ?? 10_000_000) });
}

const args = process.argv.slice(2);
const orderPath = orderPathOptionsFrom(args);
if (args[0] === "order") {
  await runOrderPathBench(orderPath);
} else if (args[0] === "idle") {
  const { idleOptionsFrom, runIdleBench } = await import("./idle.ts");
  await runIdleBench(idleOptionsFrom(args));
} else if (args[0] === "dynamodb") {
  const { dynamoDbOptionsFrom, runDynamoDbBench } = await import("./dynamodb-local.ts");
  await runDynamoDbBench(dynamoDbOptionsFrom(args));
} else {
  await runOrderPathBench(orderPath);
  const { dynamoDbOptionsFrom, runDynamoDbBench } = await import("./dynamodb-local.ts");
  await runDynamoDbBench(dynamoDbOptionsFrom(args));
  await main();
}

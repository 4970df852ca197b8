/**
 * Menu service benchmark (called by bench/run.ts on the platform it started; numbers, not assertions):
 *   1. GET /api/menu/items through the gateway, cached (Redis) and uncached (every request a cache miss, read from
 *      DocumentDB), beside the bare Hono endpoint at the same concurrency, with the ratios;
 *   2. POST /api/menu/sync of 10,000 items (first as new items, then the same body again, all unchanged): items/s;
 *   3. the DocumentDB stand-in's find by sku through the official driver: ops/s and p99.
 * The synced items are deleted again afterwards, so the local menu is as the bench found it.
 */
import { menuCacheKeys } from "@cloudcafe/adapters";
import { catalogMenuItem } from "@cloudcafe/stress";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { fmt, loadRow, percentile, runLoad, type LoadResult } from "./load.ts";

export interface MenuBenchOptions {
  gateway: string;
  bareUrl: string;
  operatorToken: string;
  /** The platform's menu database (the driver's `db()` on it is the menu). */
  mongodbUrl: string;
  redisUrl: string;
  requests: number;
  concurrency: number;
}

const SYNC_ITEMS = 10_000;
// Thumbnails: 10,000 items stay under the edge's 10 MiB body limit.
const SYNC_IMAGE_BYTES = 256;
const FIND_OPS = 5_000;

const row = loadRow;

async function reads(options: MenuBenchOptions, redis: Redis, versionKey: string) {
  const items = `${options.gateway}/api/menu/items`;
  const load = (request: () => Promise<Response>, concurrency: number, requests = options.requests) =>
    runLoad(request, { requests, concurrency, expectStatus: 200 });
  await load(() => fetch(items), options.concurrency, 200);
  const bare = await load(() => fetch(options.bareUrl), options.concurrency);
  const cached = await load(() => fetch(items), options.concurrency);
  // A miss on every request: the menu version moves on before each one, and one request is in flight at a time, so
  // no two share a DocumentDB read (concurrent misses would, through the single flight).
  const uncachedRequests = Math.min(options.requests, 1000);
  const bareSerial = await load(() => fetch(options.bareUrl), 1, uncachedRequests);
  const cachedSerial = await load(() => fetch(items), 1, uncachedRequests);
  const uncached = await load(async () => {
    await redis.incr(versionKey);
    return fetch(items);
  }, 1, uncachedRequests);
  console.table([
    row("bare Hono GET /ping", options.concurrency, bare),
    row("GET /api/menu/items cached (gateway)", options.concurrency, cached),
    row("bare Hono GET /ping", 1, bareSerial),
    row("GET /api/menu/items cached (gateway)", 1, cachedSerial),
    row("GET /api/menu/items uncached (gateway)", 1, uncached),
  ]);
  console.log(
    `ratio to bare Hono (throughput): cached ${fmt(cached.rps / bare.rps, 3)}x at concurrency ${options.concurrency}, ` +
      `${fmt(cachedSerial.rps / bareSerial.rps, 3)}x one at a time; uncached ${fmt(uncached.rps / bareSerial.rps, 3)}x one at a time ` +
      `(includes the INCR that forces the miss); p99 uncached / cached: ${fmt(uncached.p99Ms / cachedSerial.p99Ms, 1)}x`,
  );
}

async function sync(options: MenuBenchOptions): Promise<void> {
  const body = JSON.stringify({ items: Array.from({ length: SYNC_ITEMS }, (_, i) => catalogMenuItem(i, { imageBytes: SYNC_IMAGE_BYTES })) });
  const post = async () => {
    const started = performance.now();
    const response = await fetch(`${options.gateway}/api/menu/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${options.operatorToken}` },
      body,
    });
    const report = (await response.json()) as Record<string, number>;
    if (!response.ok) throw new Error(`POST /api/menu/sync answered ${response.status}: ${JSON.stringify(report)}`);
    return { seconds: (performance.now() - started) / 1000, report };
  };
  const first = await post();
  const again = await post();
  console.table(
    [
      ["first sync (all new)", first],
      ["same body again (all unchanged)", again],
    ].map(([name, run]) => {
      const { seconds, report } = run as Awaited<ReturnType<typeof post>>;
      return {
        "POST /api/menu/sync": name,
        items: SYNC_ITEMS,
        "body MB": fmt(body.length / 1e6, 1),
        created: report.created,
        unchanged: report.unchanged,
        rejected: report.rejected,
        seconds: fmt(seconds, 2),
        "items/s": fmt(SYNC_ITEMS / seconds, 0),
      };
    }),
  );
}

async function findBySku(options: MenuBenchOptions, client: MongoClient): Promise<void> {
  const collection = client.db().collection("menu_configs");
  const skus = Array.from({ length: SYNC_ITEMS }, (_, i) => catalogMenuItem(i, { imageBytes: 1 }).sku);
  const latencies: number[] = [];
  let next = 0;
  let misses = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < FIND_OPS) {
        const sku = skus[next++ % skus.length]!;
        const t0 = performance.now();
        if (!(await collection.findOne({ sku }, { projection: { _id: 0, sku: 1, prices: 1 } }))) misses++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.table([
    {
      "DocumentDB stand-in": "find by sku (findOne, unique index)",
      ops: FIND_OPS,
      concurrency: options.concurrency,
      misses,
      "ops/s": fmt(FIND_OPS / seconds, 0),
      "p50 ms": fmt(percentile(latencies, 50), 2),
      "p99 ms": fmt(percentile(latencies, 99), 2),
    },
  ]);
}

export async function runMenuBench(options: MenuBenchOptions): Promise<void> {
  console.log(`\nmenu service: reads, a ${SYNC_ITEMS}-item sync and the DocumentDB stand-in`);
  const redis = new Redis(options.redisUrl);
  const client = new MongoClient(options.mongodbUrl);
  const database = client.db().databaseName;
  try {
    await reads(options, redis, menuCacheKeys(database).version);
    await sync(options);
    await findBySku(options, client);
  } finally {
    await client.db().collection("menu_configs").deleteMany({ sku: /^SYN-/ });
    await redis.incr(menuCacheKeys(database).version);
    redis.disconnect();
    await client.close();
  }
}

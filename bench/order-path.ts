/**
 * The order path under load, with what each order costs every process of the platform (`npm run bench -- order`):
 *   - the bare Hono reference (a process of its own) through the same load generator, so ratios mean something;
 *   - POST /api/orders through the gateway, closed loop at max rate and open loop at a fixed offered rate
 *     (p50/p99/p99.9 corrected for coordinated omission);
 *   - POST -> PAID sustained at a fixed rate, with the backlog (outbox, queues, orders not yet paid) sampled as it runs;
 *   - CPU milliseconds per accepted and per paid order for each process (host with gateway and Lambda stand-ins, each
 *     service, each engine, PostgreSQL with the backends of the platform's databases), the idle platform's CPU, log bytes per order and
 *     RSS per process, with the machine's load beside them;
 *   - with `--profile`, V8 CPU profiles of every Node process for the POST phase and the paid phase, saved under
 *     bench/profiles/ (git-ignored), with the heaviest functions printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import postgres from "postgres";
import { queues } from "@cloudcafe/catalog";
import { httpLoad, httpRow, type HttpLoadResult } from "./http-load.ts";
import { restock } from "./inventory.ts";
import { fmt, positiveArg } from "./load.ts";
import { BENCH_ENGINE_PORTS, benchSqsEndpoint, gateway, OPERATOR_TOKEN, PLATFORM_DATABASES, startBenchPlatform, type BenchPlatform } from "./platform.ts";
import { cpuDelta, machineLoad, platformProcesses, memoryOf, snapshot, trackedPids, type CpuSnapshot, type TrackedProcess } from "./processes.ts";
import { residentTogether } from "./resident-together.ts";
import { nameProfiles, printProfiles } from "./profile-summary.ts";

export interface OrderPathOptions {
  /** Closed-loop connections for the max-rate POST phase. */
  readonly connections: number;
  /** Seconds of each POST phase. */
  readonly seconds: number;
  /** Offered POST rate of the fixed-rate phase. */
  readonly rate: number;
  /** Offered rate and seconds of the sustained POST -> PAID phase. */
  readonly paidRate: number;
  readonly paidSeconds: number;
  /** Save CPU profiles (one platform run for the POST phases, one for the paid phase). */
  readonly profile: boolean;
  readonly barePort: number;
}

export function orderPathOptionsFrom(args: readonly string[]): OrderPathOptions {
  const value = (name: string, fallback: number) => positiveArg(args, name, fallback);
  return {
    connections: value("connections", 16),
    seconds: value("seconds", 10),
    rate: value("rate", 100),
    paidRate: value("paid-rate", 150),
    paidSeconds: value("paid-seconds", 60),
    profile: args.includes("--profile"),
    barePort: Number(process.env.BENCH_BARE_PORT ?? 3499),
  };
}

const STORE = "store-sea-001";
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/cloudcafe";

/** An order of a customer of its own (`{i}` is the request's number), as a morning rush's are. */
const orderTemplate = (customerPrefix: string) =>
  JSON.stringify({
    customerId: `${customerPrefix}{i}`,
    storeId: STORE,
    items: [
      { sku: "ESP-003", quantity: 2, size: "grande", options: ["oat-milk"] },
      { sku: "BAK-002", quantity: 1, size: "single", options: [] },
    ],
  });

async function startBare(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/bare-server.ts", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  for await (const line of createInterface({ input: child.stdout! })) if (line === "ready") break;
  return child;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

function costTable(delta: Map<string, number>, seconds: number, per: { name: string; count: number }[]) {
  const rows = [...delta].map(([label, ms]) => ({
    process: label,
    "% of a core": fmt((ms / 1000 / seconds) * 100, 1),
    ...Object.fromEntries(per.map(({ name, count }) => [`CPU ms / ${name}`, fmt(count > 0 ? ms / count : Number.NaN, 2)])),
  }));
  const total = [...delta.values()].reduce((sum, ms) => sum + ms, 0);
  rows.push({
    process: "TOTAL",
    "% of a core": fmt((total / 1000 / seconds) * 100, 1),
    ...Object.fromEntries(per.map(({ name, count }) => [`CPU ms / ${name}`, fmt(count > 0 ? total / count : Number.NaN, 2)])),
  });
  return rows;
}

interface Backlog {
  t: number;
  notPaid: number;
  outbox: number;
  submission: number;
  payment: number;
  results: number;
}

/** What is waiting: this run's orders not yet PAID, undelivered outbox rows, and the flow's queues (visible + in flight). */
async function backlogSampler(sql: postgres.Sql, customerPrefix: string) {
  const sqs = new SQSClient({ endpoint: benchSqsEndpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const urls = await Promise.all(
    [queues.orderSubmission.name, queues.paymentProcessing.name, queues.paymentResults.name].map(async (QueueName) => (await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl!),
  );
  const depth = async (QueueUrl: string) => {
    const { Attributes: a = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
  };
  const started = performance.now();
  return async (): Promise<Backlog> => {
    const [[orders], [outbox], submission, payment, results] = await Promise.all([
      sql<{ n: number }[]>`SELECT count(*)::int AS n FROM orders WHERE customer_id LIKE ${customerPrefix + "%"} AND status = 'PENDING'`,
      sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`,
      ...urls.map(depth),
    ]);
    return { t: (performance.now() - started) / 1000, notPaid: orders!.n, outbox: outbox!.n, submission: submission!, payment: payment!, results: results! };
  };
}

async function waitUntilPaid(sql: postgres.Sql, customerPrefix: string, timeoutMs: number): Promise<{ pending: number; seconds: number }> {
  const started = performance.now();
  for (;;) {
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM orders WHERE customer_id LIKE ${customerPrefix + "%"} AND status = 'PENDING'`;
    const seconds = (performance.now() - started) / 1000;
    if (row!.n === 0 || seconds * 1000 > timeoutMs) return { pending: row!.n, seconds };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function paidLatencies(sql: postgres.Sql, customerPrefix: string) {
  const [row] = await sql<{ accepted: number; paid: number; p50: number; p99: number; max: number }[]>`
    SELECT (SELECT count(*)::int FROM orders WHERE customer_id LIKE ${customerPrefix + "%"}) AS accepted, count(*)::int AS paid,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM paid_at - created_at)) * 1000 AS p50,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM paid_at - created_at)) * 1000 AS p99,
      max(EXTRACT(EPOCH FROM paid_at - created_at))::float * 1000 AS max
    FROM orders WHERE customer_id LIKE ${customerPrefix + "%"} AND status = 'PAID'`;
  return row!;
}

/** The order path's processes, and only those that were busy for a fifth of a second or more. */
const ORDER_PATH_PROFILES = { only: /host|order|inventory|payment/, minBusyMs: 200 } as const;

interface Session {
  readonly platform: BenchPlatform;
  readonly sql: postgres.Sql;
  readonly tracked: TrackedProcess[];
  readonly labels: Map<number, string>;
}

async function openSession(profileDir?: string): Promise<Session> {
  const platform = await startBenchPlatform({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO" }, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
  const sql = postgres(DATABASE_URL, { max: 2, onnotice: () => {} });
  const tracked = platformProcesses({ hostPid: platform.pid, enginePorts: BENCH_ENGINE_PORTS, sql, databases: PLATFORM_DATABASES });
  const labels = new Map<number, string>();
  for (const t of tracked) for (const pid of await t.pids()) labels.set(pid, t.label);
  await restock(gateway, OPERATOR_TOKEN, STORE, 100_000);
  return { platform, sql, tracked, labels };
}

async function closeSession(session: Session) {
  await session.sql.end();
  await session.platform.stop();
}

async function measure<T>(session: Session, run: () => Promise<T>): Promise<{ result: T; seconds: number; delta: Map<string, number>; logBytes: number; before: CpuSnapshot }> {
  const before = await snapshot(session.tracked);
  const out0 = session.platform.output();
  const result = await run();
  const after = await snapshot(session.tracked, before);
  const out1 = session.platform.output();
  return { result, seconds: (after.at - before.at) / 1000, delta: cpuDelta(before, after), logBytes: out1.bytes - out0.bytes, before };
}

async function postPhases(session: Session, options: OrderPathOptions, runId: string) {
  const post = (rate?: number) =>
    httpLoad({
      url: `${gateway}/api/orders`,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections: options.connections,
      durationSeconds: options.seconds,
      ...(rate ? { rate } : {}),
      bodyTemplate: orderTemplate(`post-${runId}-`),
    });
  // Warm up (JIT, pools, the menu cache), then let the pipeline settle before measuring.
  await httpLoad({ url: `${gateway}/api/orders`, method: "POST", headers: { "content-type": "application/json" }, connections: 4, durationSeconds: 3, bodyTemplate: orderTemplate(`warm-${runId}-`) });
  await waitUntilPaid(session.sql, `warm-${runId}-`, 120_000);
  await waitUntilPaid(session.sql, `post-${runId}-`, 1);
  const max = await measure(session, () => post());
  console.log(`\nPOST /api/orders at max rate (${options.connections} connections, ${options.seconds} s; ${machineLoad()}):`);
  console.table(costTable(max.delta, max.seconds, [{ name: "accepted order", count: max.result.ok }]));
  const drained = await waitUntilPaid(session.sql, `post-${runId}-`, 180_000);
  console.log(`  the payment pipeline then took ${fmt(drained.seconds, 1)} s more to pay the ${max.result.ok} orders (${drained.pending} still pending)`);
  const fixed = await measure(session, () => post(options.rate));
  console.log(`  log + metric bytes per accepted order (max-rate phase): ${fmt(max.logBytes / Math.max(1, max.result.ok), 0)}`);
  await waitUntilPaid(session.sql, `post-${runId}-`, 180_000);
  return { max, fixed };
}

/** CPU ms per second each process uses with nothing offered (subtracted from the paid phase, which includes its drain). */
type IdleRates = Map<string, number>;

async function idlePhase(session: Session, seconds = 10): Promise<IdleRates> {
  const idle = await measure(session, () => new Promise((r) => setTimeout(r, seconds * 1000)));
  const total = [...idle.delta.values()].reduce((sum, ms) => sum + ms, 0);
  // Right after the POST phases, so the paid phase's CPU can be read above it: not the settled platform's idle cost.
  console.log(
    `\nIdle platform right after the POST phases (${seconds} s, nothing offered; ${machineLoad()}): ${fmt((total / 1000 / idle.seconds) * 100, 2)}% of one core in total` +
      " (still busy with their tail; `npm run bench -- idle` measures the settled platform)",
  );
  console.log(
    "  " +
      [...idle.delta]
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([label, ms]) => `${label} ${fmt((ms / 1000 / idle.seconds) * 100, 2)}%`)
        .join(", "),
  );
  return new Map([...idle.delta].map(([label, ms]) => [label, ms / idle.seconds]));
}

async function paidPhase(session: Session, options: OrderPathOptions, runId: string, idle: IdleRates) {
  const prefix = `rush-${runId}-`;
  const sample = await backlogSampler(session.sql, prefix);
  const samples: Backlog[] = [];
  let loading = true;
  const sampler = (async () => {
    while (loading) {
      samples.push(await sample());
      await new Promise((r) => setTimeout(r, 5_000));
    }
  })();
  const run = await measure(session, async () => {
    const load = await httpLoad({
      url: `${gateway}/api/orders`,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections: Math.max(options.connections, Math.ceil(options.paidRate / 10)),
      durationSeconds: options.paidSeconds,
      rate: options.paidRate,
      bodyTemplate: orderTemplate(prefix),
    });
    loading = false;
    await sampler;
    samples.push(await sample());
    const drained = await waitUntilPaid(session.sql, prefix, 180_000);
    return { load, drained };
  });
  const paid = await paidLatencies(session.sql, prefix);
  const { load, drained } = run.result;
  console.log(`\nPOST -> PAID sustained: ${options.paidRate}/s offered for ${options.paidSeconds} s (${machineLoad()})`);
  console.table([httpRow("POST /api/orders (gateway)", Math.max(options.connections, Math.ceil(options.paidRate / 10)), load)]);
  console.log(
    `  ${paid.paid}/${paid.accepted} accepted orders PAID (the load generator saw ${load.ok} answers within its run); the last one ${fmt(drained.seconds, 1)} s after the load stopped (${drained.pending} still pending); ` +
      `paid throughput over the whole run ${fmt(paid.paid / run.seconds, 0)}/s; POST -> PAID p50 ${fmt(paid.p50, 0)} ms, p99 ${fmt(paid.p99, 0)} ms, max ${fmt(paid.max, 0)} ms`,
  );
  console.log("  backlog while loading (this run's orders not yet PAID, undelivered outbox rows, queue messages visible + in flight):");
  console.table(samples.map((s) => ({ "t s": fmt(s.t, 0), "not yet paid": s.notPaid, outbox: s.outbox, "order-submission": s.submission, "payment fifo": s.payment, "payment-results": s.results })));
  const mid = samples[Math.floor(samples.length / 3)];
  const end = samples.at(-2) ?? samples.at(-1);
  if (mid && end) console.log(`  backlog ${end.notPaid <= Math.max(2 * mid.notPaid, options.paidRate * 2) ? "flat" : "GROWING"}: ${mid.notPaid} not yet paid at ${fmt(mid.t, 0)} s, ${end.notPaid} at ${fmt(end.t, 0)} s`);
  // The window runs until the last order is paid, so the idle platform's own cost is part of it: shown apart.
  const net = new Map([...run.delta].map(([label, ms]) => [label, Math.max(0, ms - (idle.get(label) ?? 0) * run.seconds)]));
  console.log(`  CPU over the ${fmt(run.seconds, 0)} s from the first POST to the last PAID; "net" is above the idle platform's rate:`);
  const gross = costTable(run.delta, run.seconds, [{ name: "paid order", count: paid.paid }]);
  const netRows = costTable(net, run.seconds, [{ name: "paid order", count: paid.paid }]);
  console.table(gross.map((row, i) => ({ ...row, "net CPU ms / paid order": (netRows[i] as Record<string, string>)["CPU ms / paid order"] })));
  console.log(`  log + metric bytes per paid order: ${fmt(run.logBytes / Math.max(1, paid.paid), 0)} (every process's stdout, INFO level)`);
  return { load, paid, run };
}

function printMemory(memory: Map<string, { rss: number; pss: number }>, together: number | undefined, readyMs: number) {
  const rss = [...memory.values()].reduce((sum, m) => sum + m.rss, 0);
  const pss = [...memory.values()].reduce((sum, m) => sum + m.pss, 0);
  console.log(`\nMemory per process after the load (the platform was ready ${fmt(readyMs / 1000, 1)} s after the command; ${machineLoad()}):`);
  console.table([
    ...[...memory].map(([process, m]) => ({ process, "RSS MB": fmt(mb(m.rss), 0), "PSS MB": fmt(mb(m.pss), 0) })),
    { process: "TOTAL", "RSS MB": fmt(mb(rss), 0), "PSS MB": fmt(mb(pss), 0) },
  ]);
  console.log("  PSS shares pages among the processes that map them (PostgreSQL's shared buffers, shared libraries): its total is what the platform holds.");
  console.log(`  resident together, each physical page once: ${together === undefined ? "n/a (needs root)" : `${fmt(mb(together), 0)} MB`}`);
}

export async function runOrderPathBench(options: OrderPathOptions): Promise<void> {
  const runId = Date.now().toString(36);
  console.log(`order path bench: ${machineLoad()}; POST ${options.seconds} s at max (${options.connections} conns) and at ${options.rate}/s; POST -> PAID ${options.paidRate}/s for ${options.paidSeconds} s`);
  const bare = await startBare(options.barePort);
  let bareResult: HttpLoadResult;
  try {
    bareResult = await httpLoad({ url: `http://127.0.0.1:${options.barePort}/ping`, connections: options.connections, durationSeconds: 5 });
  } finally {
    bare.kill();
    await once(bare, "exit");
  }
  const profileRoot = resolve("bench/profiles", new Date().toISOString().replace(/[:.]/g, "-"));
  const postDir = join(profileRoot, "post");
  const paidDir = join(profileRoot, "paid");
  if (options.profile) for (const dir of [postDir, paidDir]) mkdirSync(dir, { recursive: true });

  let session = await openSession(options.profile ? postDir : undefined);
  let post: Awaited<ReturnType<typeof postPhases>>;
  try {
    post = await postPhases(session, options, runId);
    console.log(`\nPOST /api/orders through the gateway beside the bare Hono reference (${machineLoad()}):`);
    console.table([
      httpRow("bare Hono GET /ping (own process)", options.connections, bareResult),
      httpRow("POST /api/orders (gateway)", options.connections, post.max.result),
      httpRow("POST /api/orders (gateway)", options.connections, post.fixed.result),
    ]);
    console.log(
      `  ratio to bare Hono: POST ${fmt(post.max.result.rps / bareResult.rps, 3)}x the throughput; at ${options.rate}/s offered ` +
        `${fmt(post.fixed.result.rps, 0)}/s achieved (latencies corrected for coordinated omission)`,
    );
    if (bareResult.rps < 3000) console.log(`  note: the bare reference reached only ${fmt(bareResult.rps, 0)} req/s: the machine is busy (${machineLoad()}).`);
    if (options.profile) {
      await closeSession(session);
      printProfiles(`CPU profiles of the POST phases (${postDir}):`, nameProfiles(postDir, session.labels), ORDER_PATH_PROFILES);
      session = await openSession(paidDir);
    }
    const idle = await idlePhase(session);
    await paidPhase(session, options, runId, idle);
    printMemory(await memoryOf(session.tracked), residentTogether(await trackedPids(session.tracked)), session.platform.readyMs);
  } finally {
    await closeSession(session).catch(() => undefined);
  }
  if (options.profile) {
    printProfiles(`CPU profiles of the POST -> PAID phase (${paidDir}):`, nameProfiles(paidDir, session.labels), ORDER_PATH_PROFILES);
    console.log(`\nOpen a profile in Chrome DevTools (Performance > Load profile) or VS Code; all of them: ${profileRoot}`);
  }
}

/**
 * The local platform as the bench runs it: `npm start`'s launcher (`packages/local/src/cli/launch.mjs`, the host
 * compiled, as `npm start` runs it) in a child process on the bench's own ports, with engines of its own (PostgreSQL
 * and Redis, system services, are shared). Its stdout (every service's JSON logs and EMF metrics, which a collector
 * reads deployed) is counted, not shown; other lines (the start table, errors) pass through.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { RuleStatus } from "@cloudcafe/local/gateway";

export const GATEWAY_PORT = Number(process.env.BENCH_GATEWAY_PORT ?? 3400);
export const ORDER_PORT = Number(process.env.BENCH_ORDER_PORT ?? 8480);
export const MENU_PORT = Number(process.env.BENCH_MENU_PORT ?? 8481);
export const INVENTORY_PORT = Number(process.env.BENCH_INVENTORY_PORT ?? 8482);
export const OPERATOR_TOKEN = "bench-operator-token";
/**
 * The engines the bench starts for itself, on ports of its own: it measures them from start to stop (their CPU, their
 * memory, the time `npm start` takes to bring them up) instead of reusing daemons that test runs share.
 */
export const BENCH_ENGINE_PORTS = {
  "DynamoDB Local (java)": Number(process.env.BENCH_DYNAMODB_PORT ?? 8400),
  "fauxqs (SQS/SNS)": Number(process.env.BENCH_SQS_PORT ?? 4466),
  "kinesalite": Number(process.env.BENCH_KINESIS_PORT ?? 4467),
  "redshift-data stand-in": Number(process.env.BENCH_REDSHIFT_DATA_PORT ?? 4468),
  "documentdb stand-in": Number(process.env.BENCH_DOCUMENTDB_PORT ?? 27417),
  "redis": 6379,
  "memorydb (redis)": Number(process.env.BENCH_MEMORYDB_PORT ?? 6480),
} as const;
export const benchSqsEndpoint = `http://127.0.0.1:${BENCH_ENGINE_PORTS["fauxqs (SQS/SNS)"]}`;
/** The PostgreSQL databases the platform uses: orders, the DocumentDB stand-in's store, the analytics warehouse. */
export const PLATFORM_DATABASES = ["cloudcafe", "documentdb", "analytics"] as const;
export const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;

export async function waitForUrl(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * Until every rule's targets at the gateway are healthy (`GET /api/ops/targets`), as a deployment waits for its target
 * groups: a copy that missed its first checks under the start's load is unhealthy until two pass, and a request the
 * bench sends then is answered 503 (it happened once to the order bench's first restock).
 */
export async function waitForHealthyTargets(gatewayUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let unhealthy: string[] = [];
  while (Date.now() < deadline) {
    const answer = await fetch(`${gatewayUrl}/api/ops/targets`, { signal: AbortSignal.timeout(2000) }).then((r) => (r.ok ? r.json() : undefined), () => undefined);
    const rules = (answer as { rules?: RuleStatus[] } | undefined)?.rules;
    if (rules) {
      unhealthy = rules.flatMap(({ service, targets }) => targets.filter((target) => target.health !== "healthy").map((target) => `${service} ${target.url} (${target.health})`));
      if (unhealthy.length === 0) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gateway targets not healthy within ${timeoutMs} ms: ${unhealthy.join(", ") || "no answer from /api/ops/targets"}`);
}

export interface BenchPlatform {
  readonly pid: number;
  /** Milliseconds from spawning `start.ts` until it printed its table (every service answered /ready). */
  readonly readyMs: number;
  /** Bytes the platform wrote to stdout so far (JSON log lines and EMF documents), and how many of them were EMF. */
  output(): { bytes: number; lines: number; logBytes: number; metricBytes: number };
  /** The JSON lines written since `mark` (a count from `output().lines`), at most the last 5,000. */
  linesSince(mark: number): string[];
  stop(): Promise<void>;
}

export interface BenchPlatformOptions {
  /** Environment over the bench defaults (e.g. LOG_LEVEL, CLOUDCAFE_METRICS_DISABLED). */
  readonly env?: Record<string, string>;
  /** Write a V8 CPU profile of every Node process of the platform into this folder when it stops. */
  readonly cpuProfileDir?: string;
}

export async function startBenchPlatform(options: BenchPlatformOptions = {}): Promise<BenchPlatform> {
  const started = performance.now();
  // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preloaded module runs the same profiler in every Node process.
  const profiler = fileURLToPath(new URL("./cpu-profile.mjs", import.meta.url));
  const nodeOptions = [process.env.NODE_OPTIONS ?? "", options.cpuProfileDir ? `--import ${profiler}` : ""].join(" ").trim();
  const child = spawn(process.execPath, ["packages/local/src/cli/launch.mjs"], {
    env: {
      ...process.env,
      CLOUDCAFE_GATEWAY_PORT: String(GATEWAY_PORT),
      CLOUDCAFE_ORDER_PORT: String(ORDER_PORT),
      CLOUDCAFE_MENU_PORT: String(MENU_PORT),
      CLOUDCAFE_ANALYTICS_PORT: String(Number(process.env.BENCH_ANALYTICS_PORT ?? 8484)),
      CLOUDCAFE_INVENTORY_PORT: String(INVENTORY_PORT),
      CLOUDCAFE_LOYALTY_PORT: String(Number(process.env.BENCH_LOYALTY_PORT ?? 8483)),
      CLOUDCAFE_CHAOS_PORT: String(Number(process.env.BENCH_CHAOS_PORT ?? 8490)),
      CLOUDCAFE_DYNAMODB_PORT: String(BENCH_ENGINE_PORTS["DynamoDB Local (java)"]),
      CLOUDCAFE_SQS_PORT: String(BENCH_ENGINE_PORTS["fauxqs (SQS/SNS)"]),
      CLOUDCAFE_KINESIS_PORT: String(BENCH_ENGINE_PORTS.kinesalite),
      CLOUDCAFE_REDSHIFT_DATA_PORT: String(BENCH_ENGINE_PORTS["redshift-data stand-in"]),
      CLOUDCAFE_DOCUMENTDB_PORT: String(BENCH_ENGINE_PORTS["documentdb stand-in"]),
      CLOUDCAFE_MEMORYDB_PORT: String(BENCH_ENGINE_PORTS["memorydb (redis)"]),
      // The bench measures the reservations themselves; the per-store buckets would turn most of them into 429s.
      RESERVATION_RATE_BURST: "1000000",
      RESERVATION_RATE_PER_SECOND: "1000000",
      CLOUDCAFE_OPERATOR_TOKEN: OPERATOR_TOKEN,
      PAYMENT_DECLINE_RATE: "0",
      PAYMENT_FAILURE_RATE: "0",
      ...options.env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      ...(options.cpuProfileDir ? { BENCH_CPU_PROFILE_DIR: options.cpuProfileDir } : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const counted = { bytes: 0, lines: 0, logBytes: 0, metricBytes: 0 };
  // start.ts prints its table, then "Try: curl ...", once every service answered /ready (or was given up on).
  let tableShown: () => void = () => {};
  const table = new Promise<number>((resolve) => (tableShown = () => resolve(performance.now() - started)));
  const recent: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    counted.bytes += line.length + 1;
    counted.lines++;
    recent.push(line);
    if (recent.length > 5_000) recent.shift();
    if (line.startsWith("{")) {
      if (line.startsWith('{"_aws"')) counted.metricBytes += line.length + 1;
      else counted.logBytes += line.length + 1;
    } else if (line.trim() !== "") {
      if (line.includes("Try: curl")) tableShown();
      console.log(line);
    }
  });
  // A bench that fails half way must not leave the platform running on its ports.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  // A signal ends the bench without "exit" handlers: stop the platform first (it writes its profiles as it stops).
  const onSignal = (signal: NodeJS.Signals) => {
    child.kill("SIGTERM");
    void once(child, "exit").then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let ready = false;
  const exited = once(child, "exit").then(([code]) => {
    if (!ready) throw new Error(`the local platform exited (${code}) before it was ready`);
  });
  await Promise.race([
    Promise.all([ORDER_PORT, MENU_PORT, INVENTORY_PORT].map((port) => waitForUrl(`http://127.0.0.1:${port}/ready`, 180_000))),
    exited,
  ]);
  const readyMs = await Promise.race([table, exited.then(() => Number.NaN)]);
  ready = true;
  await waitForUrl(`${gateway}/api/menu/items`, 30_000);
  await waitForHealthyTargets(gateway, 30_000);
  return {
    pid: child.pid!,
    readyMs,
    output: () => ({ ...counted }),
    linesSince: (mark) => recent.slice(Math.max(0, recent.length - (counted.lines - mark))),
    async stop() {
      process.off("exit", killOnExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

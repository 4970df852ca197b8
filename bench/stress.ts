/**
 * Stress engine benchmark: `runStressBench()` (called by bench/run.ts) or alone with `tsx bench/stress.ts`.
 * Prints, in one run:
 * 1. each core's throughput on one thread vs through the pool, and the pool's rate against the ideal
 *    (single-thread rate x usable cores), next to the same figure for node:crypto SHA-256 as the machine's reference;
 * 2. the CPU-target error for targets 0.3 / 0.7 / 0.95 (10 s each), with the CPU the host left available;
 * 3. `/health` p99 over HTTP on a service app, idle vs during a 95% run of the same process.
 */
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { createServiceApp } from "@cloudcafe/http";
import { createLogger } from "@cloudcafe/observability";
import { createRunRegistry, createStressPool, percentiles, runAtCpuTarget, stressRoutes, type StressPool } from "@cloudcafe/stress";
import { runUnitsFor, type WorkUnit } from "@cloudcafe/stress/cores/units";
import { withAvailableCpu } from "@cloudcafe/stress/host-cpu";

const THROUGHPUT_MS = 1500;
const TARGET_SECONDS = 10;
const HEALTH_SAMPLE_MS = 4000;
const BENCH_TOKEN = "bench-operator-token";
const units: WorkUnit[] = ["sha256-baseline", "morning-rush", "restock", "menu-sync", "batch-calculation"];

async function throughput(pool: StressPool) {
  const rows = [];
  let sha256Efficiency = 1;
  for (const unit of units) {
    const single = runUnitsFor(unit, THROUGHPUT_MS, 0) / (THROUGHPUT_MS / 1000);
    const started = performance.now();
    const slices = await Promise.all(
      Array.from({ length: pool.threads }, (_, thread) => pool.run({ kind: "slice", unit, busyMs: THROUGHPUT_MS, firstSeed: thread * 1_000_000 })),
    );
    const pooled = slices.reduce((sum, slice) => sum + slice.units, 0) / ((performance.now() - started) / 1000);
    const efficiency = pooled / (single * pool.allowance.cores);
    if (unit === "sha256-baseline") sha256Efficiency = efficiency;
    rows.push({
      core: unit,
      "single thread (units/s)": Math.round(single),
      "pool (units/s)": Math.round(pooled),
      "pool / (single x cores)": Number(efficiency.toFixed(2)),
      "vs SHA-256 scaling": Number((efficiency / sha256Efficiency).toFixed(2)),
    });
  }
  return rows;
}

async function cpuTargets(pool: StressPool) {
  const rows = [];
  for (const targetCpu of [0.3, 0.7, 0.95]) {
    const { result, availableFraction } = await withAvailableCpu(pool.allowance.cores, () =>
      runAtCpuTarget({ pool, unit: "morning-rush", targetCpu, durationSeconds: TARGET_SECONDS }),
    );
    rows.push({
      target: targetCpu,
      achieved: result.achievedCpu,
      "error (pp)": Number(((result.achievedCpu - targetCpu) * 100).toFixed(1)),
      "host available": Number(availableFraction.toFixed(3)),
      "error vs reachable (pp)": Number(((result.achievedCpu - Math.min(targetCpu, availableFraction)) * 100).toFixed(1)),
    });
  }
  return rows;
}

/** Serves `fetch` on a free loopback port. */
function listen(fetchHandler: (request: Request) => Response | Promise<Response>): Promise<{ base: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchHandler, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}

async function healthLatency(pool: StressPool) {
  const registry = createRunRegistry({ pool, write: () => {} });
  const app = createServiceApp({ logger: createLogger({ service: "bench", write: () => {} }) });
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.route("/", stressRoutes({ scenarios: ["morning-rush"], operatorToken: BENCH_TOKEN, registry }));
  const { base, close } = await listen(app.fetch);
  const sample = async () => {
    const latencies: number[] = [];
    const until = performance.now() + HEALTH_SAMPLE_MS;
    while (performance.now() < until) {
      const sent = performance.now();
      await (await fetch(`${base}/health`)).text();
      latencies.push(performance.now() - sent);
      // Spaced like a burst of load-balancer health checks, not a tight loop hogging the event loop.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return percentiles(latencies);
  };
  try {
    const idle = await sample();
    const started = await fetch(`${base}/stress/morning-rush`, {
      method: "POST",
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ targetCpu: 0.95, durationSeconds: HEALTH_SAMPLE_MS / 1000 + 5 }),
    });
    const { run } = (await started.json()) as { run: { id: string } };
    // Let the controller reach its level before measuring.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const loaded = await sample();
    await registry.cancel(run.id);
    return [
      { "GET /health over HTTP": "idle", ...idle },
      { "GET /health over HTTP": "during 95% run", ...loaded },
    ];
  } finally {
    await close();
  }
}

export async function runStressBench(): Promise<void> {
  const pool = createStressPool();
  try {
    await pool.warm();
    console.log(`\nStress engine: allowance ${pool.allowance.cores} cores (${pool.allowance.source}), ${pool.threads} pool threads`);
    console.log("\nCore throughput, one thread vs the pool");
    console.table(await throughput(pool));
    console.log(`\nCPU target error (${TARGET_SECONDS} s runs of morning-rush; 'reachable' = min(target, CPU the host left us))`);
    console.table(await cpuTargets(pool));
    console.log("\n/health latency in ms, idle vs during a 95% run");
    console.table(await healthLatency(pool));
  } finally {
    await pool.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runStressBench();

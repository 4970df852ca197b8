/**
 * The Loyalty tier batch: `runLoyaltyBench()` (called by bench/run.ts) or alone with `tsx bench/loyalty.ts`.
 *   --users N     population (default 10,000,000: the goal; e.g. --users 1000000 for a quicker look)
 *   --threads T   pool threads (default: the process's CPU allowance)
 * Prints, on a database of its own (`cloudcafe_bench_loyalty` on the local PostgreSQL, dropped afterwards):
 *   1. seeding N users with COPY FROM STDIN: seconds and rows/s;
 *   2. the in-memory core (computeTierChunk over chunks read once from that table): records/s on one thread and
 *      through the pool (goal >= 330,000 records/s);
 *   3. the recalculation end to end (users streamed out of PostgreSQL, computed on the pool, changed tiers written
 *      back, digest) twice, in a process of its own running the esbuild bundle as the instance does: seconds (goal
 *      <= 90 s for 10M) and that process's peak RSS, worker threads included (goal <= 256 MB).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { computeTierChunk, createDatabase, migrateDatabase, seedUsers, TIER_BATCH_COLUMNS } from "@cloudcafe/adapters";
import { postgres as catalogPostgres } from "@cloudcafe/catalog";
import { monthIndex } from "@cloudcafe/core";
import { readLocalConfig } from "@cloudcafe/local/config";
import { dropDatabase, ensureDatabase, withDatabase } from "@cloudcafe/local/engines/postgres";
import { createTierPool } from "../functions/loyalty/src/jobs/tier-pool.ts";
import { BENCH_CHUNK_ROWS as CHUNK_ROWS, BENCH_THRESHOLDS as thresholds } from "./loyalty-recalculate.ts";

const DATABASE = "cloudcafe_bench_loyalty";
const CORE_SAMPLE_ROWS = Math.min(1_000_000, Number(process.env.LOYALTY_BENCH_CORE_ROWS ?? 1_000_000));
const GOALS = { recalcSeconds: 90, rssMb: 256, coreRecordsPerSecond: 330_000 };

const adminUrl = () => process.env.DATABASE_ADMIN_URL ?? `postgres://postgres@${readLocalConfig().host}:${catalogPostgres.port}/postgres`;
const mb = (kb: number) => Math.round(kb / 1024);

const banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };

/** The recalculation and its worker bundled as the instance bundles the service, with piscina beside them. */
async function bundleRecalculation(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cloudcafe-loyalty-bench-"));
  const common = { bundle: true, platform: "node", target: `node${process.versions.node.split(".")[0]}`, format: "esm", banner, logLevel: "warning" } as const;
  await build({ ...common, entryPoints: [fileURLToPath(new URL("./loyalty-recalculate.ts", import.meta.url))], external: ["piscina"], outfile: join(dir, "recalculate.mjs") });
  await build({ ...common, entryPoints: [fileURLToPath(new URL("../functions/loyalty/src/jobs/tier-worker.ts", import.meta.url))], outfile: join(dir, "tier-worker.mjs") });
  await mkdir(join(dir, "node_modules"));
  await cp(fileURLToPath(new URL("../node_modules/piscina", import.meta.url)), join(dir, "node_modules/piscina"), { recursive: true });
  return dir;
}

async function recalculateInChild(dir: string, url: string, threads: number | undefined) {
  const child = spawn(process.execPath, [join(dir, "recalculate.mjs"), url, ...(threads ? [String(threads)] : [])], {
    cwd: dir,
    env: { ...process.env, LOYALTY_BATCH_WORKER_FILE: join(dir, "tier-worker.mjs") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`recalculation process exited with ${code}`);
  return JSON.parse(output.trim().split("\n").at(-1)!) as { records: number; changed: number; digest: string; seconds: number; threads: number; peakRssKb: number };
}

/** The core alone: chunks read from the table once, then computed in memory on one thread and on the pool. */
async function coreThroughput(url: string, threads: number | undefined) {
  const database = createDatabase(url, { max: 2 });
  const chunks: Buffer[] = [];
  let after = "";
  for (let read = 0; read < CORE_SAMPLE_ROWS; read += CHUNK_ROWS) {
    const [row] = await database.query<{ last: string | null; lines: string | null }>(
      `SELECT max(customer_id) AS last, string_agg(line, '' ORDER BY customer_id) AS lines FROM (
        SELECT customer_id, concat_ws(E'\\t', ${TIER_BATCH_COLUMNS.join(", ")}) || E'\\n' AS line
        FROM users WHERE customer_id > $1 ORDER BY customer_id LIMIT $2) AS page`,
      [after, CHUNK_ROWS],
    );
    if (!row?.lines) break;
    chunks.push(Buffer.from(row.lines));
    after = row.last ?? after;
  }
  await database.end();
  const asOfMonth = monthIndex(new Date());
  const records = chunks.length * CHUNK_ROWS;
  let started = performance.now();
  for (const rows of chunks) computeTierChunk({ rows, asOfMonth, thresholds });
  const single = records / ((performance.now() - started) / 1000);
  const pool = createTierPool({ threads });
  await Promise.all(Array.from({ length: pool.threads }, () => pool.run({ rows: chunks[0]!, asOfMonth, thresholds })));
  started = performance.now();
  await Promise.all(chunks.map((rows) => pool.run({ rows, asOfMonth, thresholds })));
  const pooled = records / ((performance.now() - started) / 1000);
  await pool.close();
  return { records, single: Math.round(single), pooled: Math.round(pooled), threads: pool.threads };
}

export async function runLoyaltyBench(options: { users?: number; threads?: number } = {}): Promise<void> {
  const users = options.users ?? 10_000_000;
  const admin = adminUrl();
  await dropDatabase(admin, DATABASE);
  await ensureDatabase(admin, DATABASE);
  const url = withDatabase(admin, DATABASE);
  try {
    await migrateDatabase(url);
    console.log(`\nLoyalty tier batch over ${users.toLocaleString("en-US")} users${users === 10_000_000 ? "" : " (the goal is stated for 10,000,000: --users 10000000)"}`);
    const database = createDatabase(url, { max: 2 });
    let started = performance.now();
    await seedUsers(database, { count: users, thresholds });
    const seedSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await database.query("VACUUM ANALYZE users");
    const vacuumSeconds = (performance.now() - started) / 1000;
    await database.end();
    console.log(`  seed with COPY: ${seedSeconds.toFixed(1)} s (${Math.round(users / seedSeconds).toLocaleString("en-US")} rows/s), then VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s`);

    const core = await coreThroughput(url, options.threads);
    const coreOk = core.pooled >= GOALS.coreRecordsPerSecond ? "meets" : "MISSES";
    console.log(
      `  in-memory core over ${core.records.toLocaleString("en-US")} records: one thread ${core.single.toLocaleString("en-US")} records/s, ` +
        `pool of ${core.threads} ${core.pooled.toLocaleString("en-US")} records/s (${coreOk} the ${GOALS.coreRecordsPerSecond.toLocaleString("en-US")}/s goal)`,
    );

    const bundle = await bundleRecalculation();
    for (const label of ["first run (writes the changed tiers back)", "second run (nothing left to change)"]) {
      const run = await recalculateInChild(bundle, url, options.threads);
      const timeOk = users === 10_000_000 ? (run.seconds <= GOALS.recalcSeconds ? " (meets the 90 s goal)" : " (MISSES the 90 s goal)") : "";
      const rssOk = mb(run.peakRssKb) <= GOALS.rssMb ? "meets" : "MISSES";
      console.log(
        `  recalculation, ${label}: ${run.records.toLocaleString("en-US")} records in ${run.seconds.toFixed(1)} s${timeOk}, ` +
          `${Math.round(run.records / run.seconds).toLocaleString("en-US")} records/s, ${run.changed.toLocaleString("en-US")} changed, ` +
          `${run.threads} threads, peak RSS ${mb(run.peakRssKb)} MB (${rssOk} the ${GOALS.rssMb} MB goal), digest ${run.digest.slice(0, 16)}…`,
      );
    }
    await rm(bundle, { recursive: true, force: true });
  } finally {
    await dropDatabase(admin, DATABASE);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { users: { type: "string" }, threads: { type: "string" } } });
  const threads = values.threads ? Number(values.threads) : undefined;
  await runLoyaltyBench({ ...(values.users ? { users: Number(values.users) } : {}), ...(threads ? { threads } : {}) });
}

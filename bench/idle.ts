/**
 * The idle platform and its footprint (`npm run bench -- idle [--idle-seconds 60]`): starts `npm start` on the bench
 * ports, lets it settle, then reads every platform process's CPU time from /proc over a window with nothing offered,
 * and its RSS and PSS. Each Node process's threads are split out (main thread, libuv pool, V8 GC/compiler threads), so
 * a poller that spins shows as main-thread time and a collector as GC time.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import postgres from "postgres";
import { fmt, positiveArg } from "./load.ts";
import { BENCH_ENGINE_PORTS, PLATFORM_DATABASES, startBenchPlatform } from "./platform.ts";
import { commandLine, cpuDelta, machineLoad, memoryOf, platformProcesses, snapshot, trackedPids, type TrackedProcess } from "./processes.ts";
import { residentTogether } from "./resident-together.ts";
import { nameProfiles, printProfiles } from "./profile-summary.ts";

const TICKS_PER_SECOND = 100;
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/cloudcafe";

export interface IdleOptions {
  readonly seconds: number;
  readonly settleSeconds: number;
  /** Save a V8 CPU profile of every Node process over the idle window (not its start-up) under bench/profiles/. */
  readonly profile: boolean;
}

export function idleOptionsFrom(args: readonly string[]): IdleOptions {
  const value = (name: string, fallback: number) => positiveArg(args, name, fallback);
  // A minute to settle: the first minute after ready is start-up work still running (the JVM's JIT compiling DynamoDB
  // Local's hot paths, the first lease takeover, loyalty's first tier run, V8 optimising and collecting), not idling.
  return { seconds: value("idle-seconds", 60), settleSeconds: value("settle-seconds", 60), profile: args.includes("--profile") };
}

/** CPU ms so far of each thread of `pid`, by thread name (`node`, `libuv-worker`, `V8 DefaultWorke`, ...). */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      const key = tid === String(pid) ? "main" : name;
      byName.set(key, (byName.get(key) ?? 0) + ms);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

async function threadSnapshot(tracked: readonly TrackedProcess[]): Promise<Map<string, Map<string, number>>> {
  const result = new Map<string, Map<string, number>>();
  for (const process of tracked) {
    const threads = new Map<string, number>();
    for (const pid of await process.pids()) for (const [name, ms] of threadCpu(pid)) threads.set(name, (threads.get(name) ?? 0) + ms);
    result.set(process.label, threads);
  }
  return result;
}

export async function runIdleBench(options: IdleOptions): Promise<void> {
  console.log(`idle bench: ${machineLoad()}; settle ${options.settleSeconds} s, then ${options.seconds} s with nothing offered`);
  const profileDir = options.profile ? resolve("bench/profiles", `idle-${new Date().toISOString().replace(/[:.]/g, "-")}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const platform = await startBenchPlatform({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "INFO" }, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const labels = new Map<number, string>();
  try {
    const tracked = platformProcesses({ hostPid: platform.pid, enginePorts: BENCH_ENGINE_PORTS, sql, databases: PLATFORM_DATABASES });
    await new Promise((r) => setTimeout(r, options.settleSeconds * 1000));
    if (profileDir) await restartNodeProfiles(tracked, labels);
    const before = await snapshot(tracked);
    const threadsBefore = await threadSnapshot(tracked);
    const out0 = platform.output();
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    const after = await snapshot(tracked, before);
    const threadsAfter = await threadSnapshot(tracked);
    const out1 = platform.output();
    const seconds = (after.at - before.at) / 1000;
    const delta = cpuDelta(before, after);
    const total = [...delta.values()].reduce((sum, ms) => sum + ms, 0);
    const memory = await memoryOf(tracked);
    console.log(`\nIdle platform over ${fmt(seconds, 0)} s (${machineLoad()}): ${fmt((total / 1000 / seconds) * 100, 2)}% of one core in total`);
    const rows = [...delta]
      .sort((a, b) => b[1] - a[1])
      .map(([label, ms]) => {
        const threads = [...(threadsAfter.get(label) ?? new Map<string, number>())]
          .map(([name, end]) => [name, end - (threadsBefore.get(label)?.get(name) ?? 0)] as const)
          .filter(([, used]) => used > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([name, used]) => `${name} ${fmt((used / 1000 / seconds) * 100, 2)}`)
          .join(", ");
        const m = memory.get(label) ?? { rss: 0, pss: 0 };
        return { process: label, "% of a core": fmt((ms / 1000 / seconds) * 100, 2), "threads (% of a core)": threads, "RSS MB": fmt(m.rss / 2 ** 20, 0), "PSS MB": fmt(m.pss / 2 ** 20, 0) };
      });
    console.table(rows);
    const rss = [...memory.values()].reduce((sum, m) => sum + m.rss, 0);
    const pss = [...memory.values()].reduce((sum, m) => sum + m.pss, 0);
    const together = residentTogether(await trackedPids(tracked));
    console.log(
      `  memory: RSS ${fmt(rss / 2 ** 20, 0)} MB summed over the processes, PSS ${fmt(pss / 2 ** 20, 0)} MB; resident together (each physical page once) ${together === undefined ? "n/a (needs root)" : `${fmt(together / 2 ** 20, 0)} MB`}`,
    );
    console.log(`  ready ${fmt(platform.readyMs / 1000, 1)} s after the command; stdout while idle: ${fmt((out1.bytes - out0.bytes) / seconds, 0)} bytes/s (${out1.lines - out0.lines} lines)`);
    // What an idle platform still writes, by service and message (or metric names): each line is a wake-up somewhere.
    const shapes = new Map<string, number>();
    for (const line of platform.linesSince(out0.lines)) {
      let shape = line.slice(0, 60);
      try {
        const parsed = JSON.parse(line) as { service?: string; message?: string; _aws?: { CloudWatchMetrics?: { Namespace?: string; Metrics?: { Name: string }[] }[] } };
        const metrics = parsed._aws?.CloudWatchMetrics?.[0];
        shape = metrics ? `EMF ${metrics.Namespace} ${metrics.Metrics?.map((m) => m.Name).join(",")}` : `${parsed.service ?? "?"}: ${parsed.message ?? "?"}`;
      } catch {
        // not JSON: its first characters
      }
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    for (const [shape, count] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${String(count).padStart(5)}  ${shape}`);
  } finally {
    await sql.end();
    await platform.stop();
  }
  if (profileDir) {
    printProfiles(`CPU profiles of the idle window (${profileDir}):`, nameProfiles(profileDir, labels), { minBusyMs: 20 });
    console.log(`\nOpen a profile in Chrome DevTools (Performance > Load profile) or VS Code.`);
  }
}

/**
 * Tells every Node process of the platform to start its profile afresh (bench/cpu-profile.mjs restarts on SIGUSR2),
 * and notes which process each pid is. Only Node processes: SIGUSR2 would end a JVM or redis-server.
 */
async function restartNodeProfiles(tracked: readonly TrackedProcess[], labels: Map<number, string>): Promise<void> {
  for (const process_ of tracked) {
    for (const pid of await process_.pids()) {
      labels.set(pid, process_.label);
      if (commandLine(pid).startsWith(process.execPath)) process.kill(pid, "SIGUSR2");
    }
  }
}

/**
 * The platform's processes as the bench sees them: found by process tree (the `npm start` host and its children) and
 * by listening port (engines, which may be shared daemons), each with the CPU time and RSS the kernel accounts to it
 * (/proc/<pid>/stat utime + stime, /proc/<pid>/status VmRSS). CPU milliseconds are far less sensitive to other load on
 * the machine than requests per second, so they are the bench's primary cost numbers.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import type postgres from "postgres";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export interface TrackedProcess {
  readonly label: string;
  /** The pids counted under this label (a process and its helpers, e.g. tsx's esbuild, or PostgreSQL backends). */
  readonly pids: () => Promise<number[]> | number[];
}

function readStat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * A process's proportional set size (PSS): its private memory plus its share of pages it shares with others. Summing
 * RSS over PostgreSQL's backends would count the shared buffers once per backend; PSS sums to what they really hold.
 */
export function memoryBytes(pid: number): { rss: number; pss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0) * 1024;
    return { rss: kb("Rss"), pss: kb("Pss") };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

function allPids(): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
}

/** `pid` and every process below it. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const candidate of allPids()) {
    const stat = readStat(candidate);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), candidate]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    found.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return found;
}

/** The pid listening on a local TCP port (via `ss`), or undefined. */
export function pidListeningOn(port: number): number | undefined {
  try {
    const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
    const match = /pid=(\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A Node.js process (its program is a `node` binary), as opposed to a helper such as tsx's esbuild service. */
const isNodeProcess = (pid: number) => /(^|\/)node$/.test(commandLine(pid).split(" ")[0] ?? "");

/** `pid` and its direct children that are not Node processes of their own (tsx's esbuild service). */
function selfAndHelpers(pid: number): number[] {
  return [pid, ...descendants(pid).filter((p) => p !== pid && readStat(p)?.ppid === pid && !isNodeProcess(p))];
}

/** The platform's processes: the host (gateway, Lambda stand-ins and pollers), each child, and the engines by port. */
export function platformProcesses(options: {
  readonly hostPid: number;
  readonly enginePorts: Readonly<Record<string, number>>;
  readonly sql: postgres.Sql;
  readonly databases: readonly string[];
  readonly postgresPort?: number;
}): TrackedProcess[] {
  // Engines first, by the port they listen on: `npm start` may have started them as its own children. Engines served
  // by one process (the Node engines) share its row, labelled with all of their names.
  const engines = new Map<number, string>();
  for (const [label, port] of Object.entries(options.enginePorts)) {
    const pid = pidListeningOn(port);
    if (pid && pid !== options.hostPid) engines.set(pid, engines.has(pid) ? `${engines.get(pid)} + ${label}` : label);
  }
  const children = descendants(options.hostPid).filter((pid) => pid !== options.hostPid && isNodeProcess(pid) && !engines.has(pid));
  const childLabel = (pid: number) => {
    const cmd = commandLine(pid);
    const entry = /(functions\/[a-z-]+\/src\/[a-z-/]+)\.m?[jt]s/.exec(cmd)?.[1] ?? cmd.slice(0, 40);
    return entry.replace(/^functions\//, "").replace(/\/src\//, ": ");
  };
  // Copies of one service share an entry: numbered, so that each keeps a row of its own.
  const labels = children.map(childLabel);
  const numbered = labels.map((label, index) => (labels.filter((other) => other === label).length > 1 ? `${label} #${labels.slice(0, index + 1).filter((other) => other === label).length}` : label));
  const tracked: TrackedProcess[] = [
    { label: "host: gateway + Lambda stand-ins", pids: () => selfAndHelpers(options.hostPid).filter((pid) => !engines.has(pid)) },
    ...children.map((pid, index) => ({ label: numbered[index]!, pids: () => selfAndHelpers(pid) })),
    ...[...engines].map(([pid, label]) => ({ label, pids: () => selfAndHelpers(pid) })),
  ];
  // The server's own processes (postmaster, checkpointer, WAL writer, ...) and the backends of the platform's databases
  // (orders, the DocumentDB stand-in's store, the analytics warehouse), not those of other databases on the server.
  const postmaster = pidListeningOn(options.postgresPort ?? 5432);
  tracked.push({
    label: `postgres (server + ${options.databases.join(", ")})`,
    pids: async () => [
      ...(postmaster ? [postmaster] : []),
      ...(await options.sql<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname IN ${options.sql(options.databases as string[])} OR backend_type <> 'client backend'`).map((r) => r.pid),
    ],
  });
  return tracked;
}

export interface CpuSnapshot {
  readonly at: number;
  readonly cpuMs: Map<string, number>;
  readonly perPid: Map<number, number>;
}

/** CPU ms so far for each tracked process; a pid seen in an earlier snapshot but gone keeps its last value. */
export async function snapshot(tracked: readonly TrackedProcess[], previous?: CpuSnapshot): Promise<CpuSnapshot> {
  const cpuMs = new Map<string, number>();
  const perPid = new Map<number, number>();
  for (const process of tracked) {
    let total = 0;
    for (const pid of await process.pids()) {
      const ms = readStat(pid)?.cpuMs ?? previous?.perPid.get(pid) ?? 0;
      perPid.set(pid, ms);
      total += ms;
    }
    cpuMs.set(process.label, total);
  }
  return { at: performance.now(), cpuMs, perPid };
}

/** CPU ms each tracked process used between two snapshots (pids new in `after` count from zero only if absent before). */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [label, ms] of after.cpuMs) delta.set(label, Math.max(0, ms - (before.cpuMs.get(label) ?? 0)));
  return delta;
}

/** Every pid the tracked processes count now. */
export async function trackedPids(tracked: readonly TrackedProcess[]): Promise<number[]> {
  return (await Promise.all(tracked.map((process) => process.pids()))).flat();
}

export async function memoryOf(tracked: readonly TrackedProcess[]): Promise<Map<string, { rss: number; pss: number }>> {
  const memory = new Map<string, { rss: number; pss: number }>();
  for (const process of tracked) {
    const total = { rss: 0, pss: 0 };
    for (const pid of await process.pids()) {
      const { rss, pss } = memoryBytes(pid);
      total.rss += rss;
      total.pss += pss;
    }
    memory.set(process.label, total);
  }
  return memory;
}

/** The machine's 1-minute load average and core count, to print beside every number. */
export const machineLoad = () => `load ${loadavg()[0]!.toFixed(2)} on ${navigatorCores()} cores`;
const navigatorCores = () => readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((line) => line.startsWith("processor")).length;

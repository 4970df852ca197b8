/**
 * A V8 `.cpuprofile` (from `--cpu-prof`) summed up: self time per function, heaviest first, and per package (the
 * first `node_modules/<name>` of its file, or the repository folder), so the bench can name where the CPU went
 * without opening the profile in DevTools.
 */
import { readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fmt } from "./load.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly functions: { name: string; ms: number }[];
  readonly packages: { name: string; ms: number }[];
}

function packageOf(url: string): string {
  if (url === "") return "(native / V8)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const repo = /\/(packages\/[^/]+|functions\/[^/]+|bench)\//.exec(url);
  return repo ? repo[1]! : url.split("/").slice(-2).join("/");
}

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const msPerHit = totalMs / hits;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerHit;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") {
      if (functionName === "(idle)") idleMs += ms;
      continue;
    }
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|packages|functions|bench)\//, "$1/")}:${lineNumber + 1}` : "";
    const name = `${functionName || "(anonymous)"} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const pkg = functionName === "(garbage collector)" ? "(garbage collector)" : packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms }));
  return { totalMs, idleMs, functions: sorted(byFunction), packages: sorted(byPackage) };
}

/** Profiles written under `dir` renamed after the process they came from (`order-service.<pid>.cpuprofile`). */
export function nameProfiles(dir: string, labels: ReadonlyMap<number, string>): string[] {
  const named: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith("CPU.") && f.endsWith(".cpuprofile"))) {
    const pid = Number(file.split(".")[3]);
    const label = (labels.get(pid) ?? "other").replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase();
    const target = join(dir, `${label}.${pid}.cpuprofile`);
    renameSync(join(dir, file), target);
    named.push(target);
  }
  return named;
}

/** Prints each profile's busy time, its packages and heaviest functions: those named by `only`, busy `minBusyMs` or more. */
export function printProfiles(title: string, files: readonly string[], filter: { readonly only?: RegExp; readonly minBusyMs: number }): void {
  console.log(`\n${title}`);
  for (const file of [...files].sort()) {
    if (filter.only && !filter.only.test(file)) continue;
    const summary = summariseProfile(file, 8);
    const busy = summary.totalMs - summary.idleMs;
    if (busy < filter.minBusyMs) continue;
    console.log(`  ${file}  (${fmt(busy / 1000, 2)} s busy of ${fmt(summary.totalMs / 1000, 1)} s)`);
    console.log(`    by package: ${summary.packages.map((p) => `${p.name} ${fmt((p.ms / busy) * 100, 0)}%`).join(", ")}`);
    for (const f of summary.functions) console.log(`    ${fmt((f.ms / busy) * 100, 1).padStart(5)}%  ${f.name}`);
  }
}

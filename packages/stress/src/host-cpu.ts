import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Host-wide CPU time from /proc/stat, in jiffies: idle (idle + iowait) and total. */
function hostCpu(): { idle: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
}

const processCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * Measures, over `work`, the CPU this process could have had: what it used plus what the host left idle, as a
 * fraction of `cores`. On a shared host (CI, a laptop running the platform) a target the host could not give us
 * is not a controller error; an idle CPU the controller did not take still is.
 */
export async function withAvailableCpu<T>(cores: number, work: () => Promise<T>): Promise<{ result: T; availableFraction: number }> {
  const hostBefore = hostCpu();
  const ownBefore = processCpuMs();
  const wallBefore = performance.now();
  const result = await work();
  const wallMs = performance.now() - wallBefore;
  const hostAfter = hostCpu();
  const ownMs = processCpuMs() - ownBefore;
  const idleShare = (hostAfter.idle - hostBefore.idle) / Math.max(1, hostAfter.total - hostBefore.total);
  const availableCores = ownMs / wallMs + idleShare * availableParallelism();
  return { result, availableFraction: Math.min(1, availableCores / cores) };
}

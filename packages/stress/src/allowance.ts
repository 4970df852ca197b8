import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** How much CPU this process may use, in cores (fractional for a quota such as a 500m pod). */
export interface CpuAllowance {
  readonly cores: number;
  /** Worker threads that can use the allowance without over-subscribing it. */
  readonly threads: number;
  /** What bounded the allowance: the cgroup quota or the CPUs the scheduler lets us run on. */
  readonly source: "cgroup-v2" | "cgroup-v1" | "cpus";
}

export type ReadText = (path: string) => string | undefined;

const readIfPresent: ReadText = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** cgroup v2 `cpu.max` is "<quota> <period>" or "max <period>" when unlimited. */
function quotaFromV2(read: ReadText): number | undefined {
  const [quota, period] = read("/sys/fs/cgroup/cpu.max")?.trim().split(/\s+/) ?? [];
  if (!quota || quota === "max" || !period) return undefined;
  return Number(quota) / Number(period);
}

/** cgroup v1 reports an unlimited quota as -1. */
function quotaFromV1(read: ReadText): number | undefined {
  const quota = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")?.trim());
  const period = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")?.trim());
  if (!(quota > 0) || !(period > 0)) return undefined;
  return quota / period;
}

/**
 * The CPU a Fargate task, a pod or an instance may really use: the smaller of the cgroup quota and the CPUs
 * available to the process, so a 1-vCPU task on a 4-core host or a 500m pod is not over-subscribed.
 */
export function cpuAllowance(read: ReadText = readIfPresent, cpus: number = availableParallelism()): CpuAllowance {
  const v2 = quotaFromV2(read);
  const v1 = v2 === undefined ? quotaFromV1(read) : undefined;
  const quota = v2 ?? v1;
  if (quota !== undefined && Number.isFinite(quota) && quota < cpus) {
    return { cores: quota, threads: Math.max(1, Math.ceil(quota)), source: v2 !== undefined ? "cgroup-v2" : "cgroup-v1" };
  }
  return { cores: cpus, threads: cpus, source: "cpus" };
}

/** A fixed allowance, for tests and benchmarks that must not depend on the host. */
export function fixedAllowance(cores: number): CpuAllowance {
  return { cores, threads: Math.max(1, Math.ceil(cores)), source: "cpus" };
}

import { describe, expect, it } from "vitest";
import { cpuAllowance, type ReadText } from "../src/allowance.ts";

const files = (entries: Record<string, string>): ReadText => (path) => entries[path];

describe("cpuAllowance", () => {
  it("uses a cgroup v2 quota below the CPU count (a 500m pod gets one thread)", () => {
    expect(cpuAllowance(files({ "/sys/fs/cgroup/cpu.max": "50000 100000\n" }), 4)).toEqual({ cores: 0.5, threads: 1, source: "cgroup-v2" });
  });

  it("treats cgroup v2 'max' as unlimited", () => {
    expect(cpuAllowance(files({ "/sys/fs/cgroup/cpu.max": "max 100000\n" }), 4)).toEqual({ cores: 4, threads: 4, source: "cpus" });
  });

  it("reads the cgroup v1 quota and period, rounding threads up", () => {
    const v1 = files({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "150000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" });
    expect(cpuAllowance(v1, 8)).toEqual({ cores: 1.5, threads: 2, source: "cgroup-v1" });
  });

  it("treats the cgroup v1 quota -1 as unlimited", () => {
    const v1 = files({ "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n" });
    expect(cpuAllowance(v1, 2)).toEqual({ cores: 2, threads: 2, source: "cpus" });
  });

  it("takes the CPU count when it is smaller than the quota", () => {
    expect(cpuAllowance(files({ "/sys/fs/cgroup/cpu.max": "400000 100000" }), 2)).toEqual({ cores: 2, threads: 2, source: "cpus" });
  });

  it("reads this host without failing", () => {
    const allowance = cpuAllowance();
    expect(allowance.cores).toBeGreaterThan(0);
    expect(allowance.threads).toBeGreaterThanOrEqual(1);
  });
});

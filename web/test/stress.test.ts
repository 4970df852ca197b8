import { describe, expect, it } from "vitest";
import { operatorTokenStore } from "../src/stress/operator-token.ts";
import { MAX_STRESS_DURATION_SECONDS, checkStressForm } from "../src/stress/scenarios.ts";
import { cpuToY, sparklinePoints } from "../src/stress/sparkline.ts";

const box = { width: 100, height: 50 };

describe("sparkline", () => {
  it("spans the run's duration on x and the CPU allowance on y", () => {
    const samples = [
      { second: 1, cpu: 0, duty: 0 },
      { second: 5, cpu: 0.5, duty: 0.5 },
      { second: 10, cpu: 1, duty: 1 },
    ];
    expect(sparklinePoints(samples, 10, box)).toBe("10,50 50,25 100,0");
  });

  it("keeps bursts above the allowance inside the box", () => {
    expect(cpuToY(1.3, box)).toBe(0);
    expect(cpuToY(-0.1, box)).toBe(50);
  });

  it("stretches the axis when a run reports past its nominal duration", () => {
    expect(sparklinePoints([{ second: 12, cpu: 0.5, duty: 0.5 }], 10, box)).toBe("100,25");
  });

  it("draws nothing before the first sample", () => {
    expect(sparklinePoints([], 60, box)).toBe("");
  });
});

describe("stress form", () => {
  it("turns percent into the fraction the API takes", () => {
    expect(checkStressForm({ scenario: "morning-rush", targetPercent: 95, durationSeconds: 30 })).toEqual({ ok: true, targetCpu: 0.95, durationSeconds: 30 });
    expect(checkStressForm({ scenario: "morning-rush", targetPercent: 33.3, durationSeconds: 1 })).toMatchObject({ ok: true, targetCpu: 0.333 });
  });

  it("refuses targets and durations the run registry would refuse", () => {
    for (const [form, field] of [
      [{ scenario: "morning-rush", targetPercent: 0, durationSeconds: 30 }, "targetPercent"],
      [{ scenario: "morning-rush", targetPercent: 101, durationSeconds: 30 }, "targetPercent"],
      [{ scenario: "morning-rush", targetPercent: 50, durationSeconds: 0 }, "durationSeconds"],
      [{ scenario: "morning-rush", targetPercent: 50, durationSeconds: MAX_STRESS_DURATION_SECONDS + 1 }, "durationSeconds"],
      [{ scenario: "morning-rush", targetPercent: 50, durationSeconds: 2.5 }, "durationSeconds"],
      [{ scenario: "not-a-scenario", targetPercent: 50, durationSeconds: 30 }, "scenario"],
    ] as const) {
      // The refusal names its field, so the form shows it under that field.
      expect(checkStressForm(form), JSON.stringify(form)).toMatchObject({ ok: false, field });
    }
  });
});

describe("operator token", () => {
  const memoryStorage = () => {
    const values = new Map<string, string>();
    return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value), removeItem: (key: string) => void values.delete(key) };
  };

  it("keeps the trimmed token and forgets it on a blank entry or clear", () => {
    const tokens = operatorTokenStore(memoryStorage());
    expect(tokens.get()).toBeUndefined();
    tokens.set("  local-operator-token ");
    expect(tokens.get()).toBe("local-operator-token");
    tokens.set("   ");
    expect(tokens.get()).toBeUndefined();
    tokens.set("x");
    tokens.clear();
    expect(tokens.get()).toBeUndefined();
  });
});

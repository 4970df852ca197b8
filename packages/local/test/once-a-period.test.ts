import { afterEach, describe, expect, it, vi } from "vitest";
import { nextPeriodPoint, sampleOncePerPeriod } from "../src/observability/collectors/once-a-period.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("collectors sample once a local period", () => {
  it("aims at the middle of the period: this one's while it is ahead, else the next one's", () => {
    expect(nextPeriodPoint(10_000, 2_000)).toBe(11_000);
    expect(nextPeriodPoint(10_999, 2_000)).toBe(11_000);
    expect(nextPeriodPoint(11_000, 2_000)).toBe(13_000);
    expect(nextPeriodPoint(11_900, 2_000)).toBe(13_000);
    expect(nextPeriodPoint(11_900, 2_000, 50)).toBe(12_050);
  });

  it("puts exactly one sample in every period, even when a sample takes most of one", async () => {
    vi.useFakeTimers({ now: 100_000 });
    const at: number[] = [];
    let slow = true;
    const sampling = sampleOncePerPeriod(async () => {
      at.push(Date.now());
      // Every other sample takes 1.8 s (a database slow to answer), the first one quick: the next is still due in its period.
      if ((slow = !slow)) await new Promise((resolve) => setTimeout(resolve, 1_800));
    }, { periodMs: 2_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    sampling.stop();
    const periods = at.map((t) => Math.floor(t / 2_000));
    expect(new Set(periods).size).toBe(periods.length);
    // The first sample runs at once, then one at each period's middle (a slow one's successor skips no period it
    // could still reach).
    expect(at[0]).toBe(100_000);
    expect(at.slice(1).every((t) => t % 2_000 === 1_000)).toBe(true);
    expect(at.length).toBeGreaterThanOrEqual(9);
    const after = at.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(at.length).toBe(after);
  });
});

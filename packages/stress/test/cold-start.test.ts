import { describe, expect, it } from "vitest";
import { coldStartAvalanche, type ColdStartOptions } from "../src/cores/cold-start.ts";
import { paymentRequestedEvent } from "../src/cores/payment-event.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}.ts`, import.meta.url).href;

interface CountingResult {
  invocationsInThisInstance: number;
  amountCents: number;
}

async function avalanche(options: Omit<ColdStartOptions, "handlerModule" | "event">) {
  const results: CountingResult[] = [];
  const report = await coldStartAvalanche({
    handlerModule: fixture("counting-handler"),
    event: (index) => paymentRequestedEvent(index),
    onResult: (outcome) => results.push(outcome.result as CountingResult),
    ...options,
  });
  return { report, results };
}

describe("coldStartAvalanche", () => {
  it("runs every invocation in a fresh module instance, cold", async () => {
    const { report, results } = await avalanche({ invocations: 6, concurrency: 3, initDelayMs: 50, fraudRounds: 100 });
    expect(report).toMatchObject({ invocations: 6, cold: 6, warm: 0, failed: 0, p99TargetMs: 3000 });
    expect(results.map((result) => result.invocationsInThisInstance)).toEqual([1, 1, 1, 1, 1, 1]);
    // Each handler saw its own PaymentRequested: 350 + index cents.
    expect(results.reduce((sum, result) => sum + result.amountCents, 0)).toBe(6 * 350 + 15);
    expect(report.durationMs.count).toBe(6);
    // Every cold start includes the configured init delay.
    expect(report.initMs.p50).toBeGreaterThanOrEqual(50);
    expect(report.durationMs.p99).toBeGreaterThanOrEqual(report.durationMs.p50);
  });

  it("reuses environments when asked, so only the first invocation in each is cold", async () => {
    const { report, results } = await avalanche({ invocations: 6, concurrency: 2, freshInstances: false });
    expect(report).toMatchObject({ cold: 2, warm: 4, failed: 0 });
    // The fixture counts its own invocations: exactly one first invocation per environment, as the runner says.
    expect(results).toHaveLength(6);
    expect(results.filter((result) => result.invocationsInThisInstance === 1)).toHaveLength(2);
  });

  it("counts handler failures and keeps the first error", async () => {
    const report = await coldStartAvalanche({ handlerModule: fixture("failing-handler"), event: () => ({}), invocations: 2, concurrency: 2 });
    expect(report).toMatchObject({ failed: 2, cold: 2, firstError: "gateway unreachable" });
  });

  it("reports a module without the handler export as failed", async () => {
    const report = await coldStartAvalanche({ handlerModule: fixture("counting-handler"), exportName: "missing", event: () => ({}), invocations: 1, concurrency: 1 });
    expect(report.failed).toBe(1);
    expect(report.firstError).toMatch(/exports no function missing/);
  });
});

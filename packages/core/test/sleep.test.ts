import { describe, expect, it } from "vitest";
import { sleep } from "../src/sleep.ts";

describe("sleep", () => {
  it("resolves after the delay", async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("rejects with the signal's reason as soon as it aborts", async () => {
    const abort = new AbortController();
    const started = performance.now();
    const slept = sleep(10_000, abort.signal);
    abort.abort(new Error("stop"));
    await expect(slept).rejects.toThrow("stop");
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("rejects at once when the signal has already aborted", async () => {
    await expect(sleep(10_000, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});

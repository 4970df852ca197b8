import { describe, expect, it } from "vitest";
import type { Order, OrderStatus } from "../src/api/types.ts";
import { HISTORY_POLL, nextPollDelay, pollHistory, type HistoryPoll, type HistoryPollSettings } from "../src/orders/history-poll.ts";
import { isFinal } from "../src/orders/tracking.ts";
import { order } from "./factories.ts";

const id = (n: number) => `ord_${"0".repeat(31)}${n}`;
const page = (...statuses: [number, OrderStatus, number][]) => statuses.map(([n, status, version]) => order({ orderId: id(n), status, version }));

/**
 * A customer's history as the server changes it: `pages[i]` is what read i answers (the last one from then on).
 * The sleep records each wait and returns at once, or rejects when its signal aborts, like the real one.
 */
function harness(pages: Order[][], settings: HistoryPollSettings = HISTORY_POLL) {
  const delays: number[] = [];
  let reads = 0;
  let shown: readonly Order[] = [];
  let stopped: string | undefined;
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const poll: HistoryPoll = pollHistory({
    settings,
    sleep: async (ms, signal) => {
      delays.push(ms);
      await Promise.resolve();
      if (signal?.aborted) throw signal.reason;
    },
    read: async () => pages[Math.min(reads++, pages.length - 1)]!,
    apply: (orders) => (shown = orders),
    inFlight: () => shown.some((entry) => !isFinal(entry.status)),
    onStop: (reason) => {
      stopped = reason;
      settle();
    },
  });
  return { poll, delays, done, reads: () => reads, stopped: () => stopped, shown: () => shown };
}

describe("the customer's history poll", () => {
  it("waits half again longer after each read that changed nothing, up to 3 s, and goes back to fast on a change", () => {
    expect(nextPollDelay(250, false)).toBe(375);
    expect(nextPollDelay(375, false)).toBe(563);
    expect(nextPollDelay(2_500, false)).toBe(3_000);
    expect(nextPollDelay(3_000, false)).toBe(3_000);
    expect(nextPollDelay(3_000, true)).toBe(250);
  });

  it("reads the history once per poll however many orders are in flight, fast while they change, and stops once none is", async () => {
    const three: [number, OrderStatus, number][] = [
      [1, "PENDING", 1],
      [2, "PAID", 2],
      [3, "PREPARING", 3],
    ];
    const pages = [
      page(...three),
      page(...three),
      page(...three),
      page([1, "PAID", 2], [2, "PAID", 2], [3, "PREPARING", 3]),
      page([1, "PAID", 2], [2, "PAID", 2], [3, "READY", 4]),
      page([1, "COLLECTED", 5], [2, "COLLECTED", 5], [3, "COLLECTED", 6]),
    ];
    const run = harness(pages);
    await run.done;
    expect(run.stopped()).toBe("settled");
    // Six polls, six reads (not eighteen): the page answers for all three orders.
    expect(run.reads()).toBe(6);
    expect(run.delays).toEqual([250, 250, 375, 563, 250, 250]);
    expect(run.shown().map((entry) => entry.status)).toEqual(["COLLECTED", "COLLECTED", "COLLECTED"]);
  });

  it("stops after the idle budget when an order stays in flight and nothing changes", async () => {
    const run = harness([page([1, "READY", 4])], { ...HISTORY_POLL, maxIdleReads: 5 });
    await run.done;
    expect(run.stopped()).toBe("idle");
    expect(run.reads()).toBe(6);
    expect(run.delays).toEqual([250, 250, 375, 563, 845, 1_268]);
  });

  it("starts again when nudged after an action once it had stopped", async () => {
    const run = harness([page([1, "COLLECTED", 5])]);
    await run.done;
    expect(run.reads()).toBe(1);
    run.poll.nudge();
    await tick();
    expect(run.reads()).toBe(2);
    expect(run.delays).toEqual([250, 250]);
  });

  it("cuts a long wait short when nudged and polls fast from there", async () => {
    const delays: number[] = [];
    let reads = 0;
    const poll = pollHistory({
      sleep: async (ms, signal) => {
        delays.push(ms);
        // Waits longer than fast last until the nudge aborts them.
        if (ms > HISTORY_POLL.fastMs) await new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
      },
      read: async () => (reads++, page([1, "READY", 4])),
      apply: () => {},
      inFlight: () => true,
    });
    await tick();
    expect({ reads, delays }).toEqual({ reads: 2, delays: [250, 250, 375] });
    poll.nudge();
    await tick();
    expect({ reads, delays }).toEqual({ reads: 4, delays: [250, 250, 375, 250, 375] });
    poll.stop();
  });
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

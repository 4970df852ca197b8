import { describe, expect, it } from "vitest";
import { sleep } from "@cloudcafe/core/sleep";
import { boundedParallel } from "../src/analytics/concurrency.ts";

describe("boundedParallel", () => {
  it("runs every index once, starting them in order, with never more than the limit in flight", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    await boundedParallel(10, 3, async (index) => {
      started.push(index);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await sleep(5 + (index % 3) * 5);
      inFlight -= 1;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostInFlight).toBe(3);
  });

  it("runs tasks one at a time when the limit is below one, and nothing for no tasks", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const task = async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await sleep(1);
      inFlight -= 1;
    };
    await boundedParallel(3, 0, task);
    expect(mostInFlight).toBe(1);
    await boundedParallel(0, 4, () => Promise.reject(new Error("no task should start")));
  });
});

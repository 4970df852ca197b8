import { describe, expect, it } from "vitest";
import { microBatcher } from "../src/aws/micro-batch.ts";

describe("microBatcher", () => {
  it("sends the items of one turn of the event loop as one batch, in chunks of the batch limit, each caller getting its own outcome", async () => {
    const calls: number[][] = [];
    const send = microBatcher<number, string>(async (items) => {
      calls.push([...items]);
      return items.map((n) => (n === 3 ? { error: new Error("three failed") } : { ok: `sent ${n}` }));
    }, 4);
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => send(n)));
    expect(calls).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as Error).message))).toEqual(["sent 1", "sent 2", "three failed", "sent 4", "sent 5", "sent 6"]);
    // A later send is a batch of its own.
    await send(7);
    expect(calls.at(-1)).toEqual([7]);
  });

  it("fails every item of a batch whose call fails", async () => {
    const send = microBatcher<number, void>(async () => {
      throw new Error("engine down");
    }, 10);
    const outcomes = await Promise.allSettled([send(1), send(2)]);
    expect(outcomes.every((o) => o.status === "rejected" && (o.reason as Error).message === "engine down")).toBe(true);
  });
});

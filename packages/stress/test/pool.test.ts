import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fixedAllowance } from "../src/allowance.ts";
import { createStressPool } from "../src/pool.ts";

/** Threads of this process, as the kernel lists them. */
const threadCount = () => readdirSync("/proc/self/task").length;

const pool = createStressPool({ allowance: fixedAllowance(2) });
afterAll(() => pool.close());

describe("stress pool", () => {
  it("starts no thread until its first run, then keeps its threads", async () => {
    const before = threadCount();
    await new Promise((r) => setTimeout(r, 300));
    expect(threadCount()).toBe(before);

    await pool.warm();
    expect(threadCount()).toBeGreaterThanOrEqual(before + 2);
  });
});

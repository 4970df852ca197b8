/** The bench's memory of a group of processes: each physical page once, checked on real processes sharing the node binary. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { memoryBytes } from "../../bench/processes.ts";
import { residentTogether } from "../../bench/resident-together.ts";

const MB = 2 ** 20;
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill()));

/** A Node process holding 64 MB of its own (touched), then waiting. */
async function holder(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "globalThis.held = Buffer.alloc(64 * 1024 * 1024, 1); console.log('ready'); setInterval(() => {}, 1e6);"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await once(child.stdout!, "data");
  return child.pid!;
}

describe("residentTogether", () => {
  it("counts a page two processes share once, and what each holds alone in full", async (context) => {
    if (process.getuid?.() !== 0) context.skip();
    const [a, b] = [await holder(), await holder()];
    const rss = { a: memoryBytes(a).rss, b: memoryBytes(b).rss };

    const alone = residentTogether([a])!;
    const both = residentTogether([a, b])!;

    // One process: its resident pages, as its RSS counts them.
    expect(Math.abs(alone - rss.a) / rss.a).toBeLessThan(0.05);
    expect(residentTogether([a, a])).toBe(alone);
    // Two: both private 64 MB buffers in full, the node binary and libraries they share once.
    expect(both).toBeGreaterThan(Math.max(rss.a, rss.b) + 60 * MB);
    expect(both).toBeLessThan(rss.a + rss.b - 20 * MB);
  });
});

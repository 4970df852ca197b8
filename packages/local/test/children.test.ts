import { readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { spawnChild } from "../src/process/children.ts";
import { waitUntil } from "../src/process/net.ts";

const logFile = `/tmp/cloudcafe-children-test-${process.pid}.log`;
afterAll(() => rmSync(logFile, { force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("managed child processes", () => {
  it("stop() ends the child and the grandchildren it spawned, so nothing is orphaned", async () => {
    // The background sleep is a grandchild that killing only the child would orphan; the shell logs its pid.
    const child = spawnChild({ name: "shell with a grandchild", command: "sh", args: ["-c", "sleep 300 & echo $!; wait"], logFile });
    let grandchild = 0;
    await waitUntil(
      "the grandchild pid",
      async () => {
        grandchild = Number(readFileSync(logFile, "utf8").trim());
        return grandchild > 0 && alive(grandchild);
      },
      10_000,
      50,
    );

    await child.stop();

    expect(alive(child.pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    expect(await child.exited).toBe("SIGTERM");
  });
});

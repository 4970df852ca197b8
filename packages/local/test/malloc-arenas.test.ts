import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnChild } from "../src/process/children.ts";
import { MALLOC_ARENAS_ENV, withMallocArenas } from "../src/process/malloc-arenas.ts";
import { waitUntil } from "../src/process/net.ts";

const environOf = (pid: number) => Object.fromEntries(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));

describe("malloc arenas of the platform's processes", () => {
  it("are capped at two in every child the platform spawns, unless its environment says otherwise", async () => {
    const { MALLOC_ARENA_MAX: _unset, ...parent } = process.env;
    const capped = spawnChild({ name: "capped", command: "sleep", args: ["30"], env: parent });
    const chosen = spawnChild({ name: "chosen", command: "sleep", args: ["30"], env: { ...parent, MALLOC_ARENA_MAX: "4" } });
    try {
      await waitUntil("both children running", async () => [capped.pid, chosen.pid].every((pid) => environOf(pid).PATH !== undefined), 5_000, 20);
      expect(environOf(capped.pid).MALLOC_ARENA_MAX).toBe(MALLOC_ARENAS_ENV.MALLOC_ARENA_MAX);
      expect(environOf(chosen.pid).MALLOC_ARENA_MAX).toBe("4");
    } finally {
      await Promise.all([capped.stop(500), chosen.stop(500)]);
    }
  });

  it("are what npm start's script gives the host", () => {
    const { scripts } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.start).toContain(`MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-${MALLOC_ARENAS_ENV.MALLOC_ARENA_MAX}}`);
    expect(withMallocArenas({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX).toBe("8");
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { services } from "@cloudcafe/catalog";
import { compileNodeEntries, nodeCommand } from "../src/process/compiled-entries.ts";
import { repoRoot } from "../src/paths.ts";

const outDir = mkdtempSync(join(tmpdir(), "cloudcafe-compiled-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("compiled platform entries (npm start runs its children without tsx)", () => {
  it("runs a compiled entry on plain Node, with the workspace bundled and import.meta.url still the source file's", async () => {
    const fixture = new URL("./support/compiled-fixture.ts", import.meta.url);
    expect(nodeCommand(fixture).args).toContain("tsx");

    await compileNodeEntries([fixture], outDir);
    const command = nodeCommand(fixture);
    expect(command.args[0]).toBe(join(outDir, "packages/local/test/support/compiled-fixture.mjs"));

    const printed = JSON.parse(execFileSync(command.command, command.args, { cwd: command.cwd, encoding: "utf8" })) as Record<string, unknown>;
    expect(printed).toEqual({ repoRoot, url: fixture.href, orderPort: services.order.localPort, loaders: [] });
  });
});

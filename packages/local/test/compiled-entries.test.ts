import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { services } from "@cloudcafe/catalog";
import { compileNodeEntries, hostBuildModule, nodeCommand } from "../src/process/compiled-entries.ts";
import { compileHost } from "../src/process/host-build.mjs";
import { hostHandlerModules } from "../src/process/host-handlers.ts";
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

describe("the compiled host (npm start's launcher)", () => {
  it("compiles the host with every in-process handler, sharing one instance of each module between them", async () => {
    const hostDir = join(outDir, "host");
    const { startModule, handlers } = await compileHost({ repoRoot, outDir: hostDir });

    expect(handlers.sort()).toEqual(hostHandlerModules().sort());
    expect(handlers).toEqual(expect.arrayContaining(["functions/payment/src/lambda.ts"]));
    const outputs = readdirSync(hostDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".mjs") && !file.startsWith("manifest"));
    expect(outputs).toContain(relative(hostDir, startModule));
    for (const handler of handlers) expect(outputs).toContain(handler.replace(/\.ts$/, ".mjs"));
    // One instance each: the log router and the logger are defined in exactly one output file (a shared chunk), which
    // the host and the handlers import, not once per entry (two copies would route two processes' worth of logs apart).
    const definingLogger = outputs.filter((file) => /function createLogger\(/.test(readFileSync(join(hostDir, file), "utf8")));
    expect(definingLogger).toHaveLength(1);
    expect(definingLogger[0]).toMatch(/chunk-/);
    // And the compiled host finds a handler's compiled module by its repository path.
    process.env.CLOUDCAFE_HOST_BUILD = hostDir;
    try {
      expect(hostBuildModule("functions/payment/src/lambda.ts")).toBe(pathToFileURL(join(hostDir, "functions/payment/src/lambda.mjs")).href);
      expect(hostBuildModule("functions/nothing/src/lambda.ts")).toBeUndefined();
    } finally {
      delete process.env.CLOUDCAFE_HOST_BUILD;
    }
  });
});

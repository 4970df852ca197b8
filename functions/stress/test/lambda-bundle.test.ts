import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, expect, it } from "vitest";

/*
 * Deployed, each stress function is one esbuild bundle (SST's Lambda build), where piscina's thread entry files do
 * not exist. The functions therefore run with STRESS_POOL=in-thread (infra/functions.ts). This bundles the
 * morning-rush entry the same way and invokes it, so a bundle that could not run its scenario fails here.
 */
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "cloudcafe-stress-lambda-"));

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("runs morning-rush from its Lambda bundle on the in-thread pool", async () => {
  const outfile = join(dir, "morning-rush.mjs");
  await build({
    entryPoints: [join(repo, "functions/stress/src/morning-rush.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    logLevel: "warning",
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  process.env.STRESS_POOL = "in-thread";
  const { handler } = (await import(pathToFileURL(outfile).href)) as { handler: (event: unknown) => Promise<any> };
  const report = await handler({ targetCpu: 0.4, durationSeconds: 3 });
  expect(report.status).toBe("completed");
  expect(report.report).toMatchObject({ threads: 1, allowanceCores: 1, stoppedBy: "duration" });
  expect(report.report.units).toBeGreaterThan(0);
  expect(report.achievedCpu).toBeGreaterThan(0.1);
});

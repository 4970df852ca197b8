import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { nodeMajor } from "@cloudcafe/catalog";
import { startLambdaInvokeStandIn } from "@cloudcafe/local/lambda/invoke-stand-in";
import { afterAll, expect, it } from "vitest";

/*
 * Deployed, each stress function is one esbuild bundle (SST's Lambda build), where piscina's thread entry files do
 * not exist. The functions therefore run with STRESS_POOL=in-thread (infra/functions.ts). This bundles entries the
 * same way and invokes them, so a bundle that could not run its scenario fails here.
 */
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "cloudcafe-stress-lambda-"));

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Handler = (event: unknown) => Promise<any>;

/** Bundles `functions/stress/src/<entry>.ts` as SST does and loads its handler. */
async function bundledHandler(entry: string): Promise<Handler> {
  const outfile = join(dir, `${entry}.mjs`);
  await build({
    entryPoints: [join(repo, `functions/stress/src/${entry}.ts`)],
    bundle: true,
    platform: "node",
    target: `node${nodeMajor}`,
    format: "esm",
    outfile,
    logLevel: "warning",
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return ((await import(pathToFileURL(outfile).href)) as { handler: Handler }).handler;
}

it("runs morning-rush from its Lambda bundle on the in-thread pool", async () => {
  process.env.STRESS_POOL = "in-thread";
  const handler = await bundledHandler("morning-rush");
  const report = await handler({ targetCpu: 0.4, durationSeconds: 3 });
  expect(report.status).toBe("completed");
  expect(report.report).toMatchObject({ threads: 1, allowanceCores: 1, stoppedBy: "duration" });
  expect(report.report.units).toBeGreaterThan(0);
  expect(report.achievedCpu).toBeGreaterThan(0.1);
});

it("runs the cold-start avalanche from its Lambda bundle by invoking the payment function through the Lambda API", async () => {
  const lambda = await startLambdaInvokeStandIn({
    "cloudcafe-bundle-payment": { handlerModule: new URL("./fixtures/payment-handler.ts", import.meta.url).href, reservedConcurrency: 4 },
  });
  try {
    Object.assign(process.env, { STRESS_POOL: "in-thread", PAYMENT_FUNCTION_NAME: "cloudcafe-bundle-payment", AWS_ENDPOINT_URL_LAMBDA: lambda.url });
    const handler = await bundledHandler("cold-start-avalanche");
    const report = await handler({ invocations: 8, concurrency: 4 });
    expect(report.result).toMatchObject({ invocations: 8, cold: 4, warm: 4, failed: 0, throttled: 0 });
  } finally {
    await lambda.stop();
  }
});

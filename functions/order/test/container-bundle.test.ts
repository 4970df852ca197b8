import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { nodeMajor } from "@cloudcafe/catalog";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startMenuService, type RunningMenuService } from "./menu-service.ts";
import { bodyOf, waitFor } from "./support.ts";

/*
 * The container image runs the order service as an esbuild bundle with the stress worker bundled beside it and
 * piscina left external (infra/docker/service.Dockerfile). No Docker engine runs here, so this builds the same
 * two bundles, lays them out as the image does, and starts the server on the local engines.
 */
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };
const common = { bundle: true, platform: "node", target: `node${nodeMajor}`, format: "esm", banner, logLevel: "warning" } as const;
const token = "bundle-test-operator-token";
const port = 18_590;
let app: string;
let server: ChildProcess;
let menu: RunningMenuService;

beforeAll(async () => {
  menu = await startMenuService();
  app = await mkdtemp(join(tmpdir(), "cloudcafe-image-"));
  await build({ ...common, entryPoints: [join(repo, "functions/order/src/server.ts")], external: ["piscina"], outfile: join(app, "server.mjs") });
  await build({ ...common, entryPoints: [join(repo, "packages/stress/src/worker.ts")], outfile: join(app, "stress-worker.mjs") });
  await mkdir(join(app, "node_modules"));
  await cp(join(repo, "node_modules/piscina"), join(app, "node_modules/piscina"), { recursive: true });
  server = spawn(process.execPath, ["server.mjs"], {
    cwd: app,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      STRESS_WORKER_FILE: join(app, "stress-worker.mjs"),
      SST_RESOURCE_OperatorToken: JSON.stringify({ value: token }),
    },
    stdio: "ignore",
  });
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok ? true : undefined), "the bundled server", 60_000);
});

afterAll(async () => {
  server?.kill("SIGTERM");
  await rm(app, { recursive: true, force: true });
  await menu?.stop();
});

it("serves orders and runs morning-rush on its bundled worker, as the container image does", async () => {
  const base = `http://127.0.0.1:${port}`;
  const created = await fetch(`${base}/api/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customerId: "bundle-1", storeId: "store-nyc-001", items: [{ sku: "BRW-001", quantity: 1, size: "tall", options: [] }] }),
  });
  expect(created.status).toBe(201);

  const auth = { authorization: `Bearer ${token}` };
  const started = await fetch(`${base}/stress/morning-rush`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: JSON.stringify({ targetCpu: 0.3, durationSeconds: 2 }),
  });
  expect(started.status).toBe(202);
  const { run } = await bodyOf(started);
  const finished = await waitFor(async () => {
    const { run: polled } = await bodyOf(await fetch(`${base}/stress/runs/${run.id}`, { headers: auth }));
    return polled.status === "running" ? undefined : polled;
  }, "the run to end", 30_000);
  expect(finished.status).toBe("completed");
  expect(finished.report.units).toBeGreaterThan(0);
});

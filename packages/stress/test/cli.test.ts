import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceApp } from "@cloudcafe/http";
import { createLogger } from "@cloudcafe/observability";
import { fixedAllowance } from "../src/allowance.ts";
import { createStressPool, type StressPool } from "../src/pool.ts";
import { createRunRegistry, type RunRegistry, type StressRunView } from "../src/registry.ts";
import { stressRoutes } from "../src/routes.ts";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const TOKEN = "cli-test-token";

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // As an operator runs it: telemetry on, whatever the test runner's quiet settings.
    const operatorEnv = { ...process.env, CLOUDCAFE_METRICS_DISABLED: "false", LOG_LEVEL: "INFO", ...env };
    execFile(TSX, [CLI, ...args], { env: operatorEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The report is the last, pretty-printed JSON document; log and EMF lines come before it. */
function finalReport<T>(stdout: string): T {
  return JSON.parse(stdout.slice(stdout.lastIndexOf("\n{\n") + 1)) as T;
}

let pool: StressPool;
let registry: RunRegistry;
let gateway: ServerType;
let gatewayUrl: string;

beforeAll(async () => {
  pool = createStressPool({ allowance: fixedAllowance(1) });
  registry = createRunRegistry({ pool, write: () => {} });
  // Stands in for the gateway + Order service: the stress routes under /api/orders, over real HTTP.
  const app = createServiceApp({ logger: createLogger({ service: "cli-test", write: () => {} }) });
  app.route("/api/orders", stressRoutes({ scenarios: ["morning-rush"], operatorToken: TOKEN, registry }));
  await new Promise<void>((resolve) => {
    gateway = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      gatewayUrl = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(async () => {
  await new Promise((resolve) => gateway.close(resolve));
  await registry.close();
  await pool.close();
});

describe("npm run stress", () => {
  it("starts morning-rush through the gateway with the operator token and polls it to the end", async () => {
    const { code, stdout, stderr } = await runCli(["morning-rush", "--target", "0.2", "--duration", "2"], { GATEWAY_URL: gatewayUrl, OPERATOR_TOKEN: TOKEN });
    expect(code, stderr).toBe(0);
    const run = finalReport<StressRunView>(stdout);
    expect(run).toMatchObject({ scenario: "morning-rush", status: "completed", targetCpu: 0.2, durationSeconds: 2 });
    expect(registry.get(run.id).status).toBe("completed");
  });

  it("fails with the gateway's answer when the token is wrong", async () => {
    const { code, stderr } = await runCli(["morning-rush", "--target", "0.2", "--duration", "2"], { GATEWAY_URL: gatewayUrl, OPERATOR_TOKEN: "wrong" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/403/);
  });

  it("runs a scenario in-process through the pool with --in-process", async () => {
    const { code, stdout, stderr } = await runCli(["restock", "--in-process", "--target", "0.2", "--duration", "2"]);
    expect(code, stderr).toBe(0);
    expect(finalReport<StressRunView>(stdout)).toMatchObject({ scenario: "restock", status: "completed" });
    expect(stdout).toContain('"Name":"RestockCPU"');
  });

  it("runs query-storm in-process through the local platform's Redshift Data API stand-in", async () => {
    const { code, stdout, stderr } = await runCli(["query-storm", "--queries", "2", "--concurrency", "2", "--rows-per-query", "1000", "--table-rows", "20000"]);
    expect(code, stderr).toBe(0);
    expect(finalReport<{ result: unknown }>(stdout).result).toMatchObject({ queries: 2, failed: 0, rowsProcessed: 2_000 });
    expect(stdout).toContain('"Name":"QueryDurationP99"');
  });

  it("runs query-storm against the local stand-in's port when no Data API endpoint is configured", async () => {
    const standIn = new URL(process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA!);
    const { code, stdout, stderr } = await runCli(["query-storm", "--queries", "1", "--concurrency", "1", "--rows-per-query", "1000", "--table-rows", "20000"], {
      AWS_ENDPOINT_URL_REDSHIFT_DATA: "",
      CLOUDCAFE_REDSHIFT_DATA_PORT: standIn.port,
    });
    expect(code, stderr).toBe(0);
    expect(finalReport<{ result: unknown }>(stdout).result).toMatchObject({ queries: 1, failed: 0, rowsProcessed: 1_000 });
  });

  it("refuses an unknown scenario with the usage line", async () => {
    const unknown = await runCli(["espresso-storm"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Usage: npm run stress/);
  });
});

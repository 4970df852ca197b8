import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "@cloudcafe/core/sleep";
import { createServiceApp } from "@cloudcafe/http";
import { createLogger } from "@cloudcafe/observability";
import { fixedAllowance } from "../src/allowance.ts";
import { createStressPool, type StressPool } from "../src/pool.ts";
import { createRunRegistry, type RunRegistry, type StressRunView } from "../src/registry.ts";
import { stressRoutes } from "../src/routes.ts";

const TOKEN = "test-operator-token";
const quiet = () => {};
let pool: StressPool;
let registry: RunRegistry;

/** A service app as the Order service builds it: health plus the stress routes. */
function serviceApp() {
  const app = createServiceApp({ logger: createLogger({ service: "stress-test", write: quiet }) });
  // Mounted before /health on purpose: the operator guard must not reach the host app's own routes.
  app.route("/", stressRoutes({ scenarios: ["morning-rush"], operatorToken: TOKEN, registry }));
  app.get("/health", (c) => c.json({ status: "ok" }));
  return app;
}

const operator = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const post = (body: unknown, headers: Record<string, string> = operator) =>
  serviceApp().request("/stress/morning-rush", { method: "POST", headers, body: JSON.stringify(body) });

beforeAll(async () => {
  // The host's real allowance: the /health check below must hold while the pool takes 95% of it.
  pool = createStressPool();
  await pool.warm();
  registry = createRunRegistry({ pool, write: quiet, maxDurationSeconds: 60 });
});
afterAll(async () => {
  await registry.close();
  await pool.close();
});

describe("stress routes", () => {
  it("leaves the host app's routes open", async () => {
    expect((await serviceApp().request("/health")).status).toBe(200);
  });

  it("answers 401 without a token and 403 with a wrong one", async () => {
    expect((await post({}, { "content-type": "application/json" })).status).toBe(401);
    expect((await post({}, { ...operator, authorization: "Bearer wrong" })).status).toBe(403);
    expect((await serviceApp().request("/stress/runs")).status).toBe(401);
  });

  it("answers 400 for parameters out of bounds or unknown", async () => {
    for (const body of [{ targetCpu: 1.5 }, { targetCpu: 0 }, { targetCpu: "high" }, { durationSeconds: 61 }, { durationSeconds: -1 }, { cpu: 0.5 }]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    const malformed = await serviceApp().request("/stress/morning-rush", { method: "POST", headers: operator, body: "{" });
    expect(malformed.status).toBe(400);
  });

  it("does not offer scenarios the service did not mount", async () => {
    expect((await serviceApp().request("/stress/restock", { method: "POST", headers: operator, body: "{}" })).status).toBe(404);
  });

  it("starts, polls, lists and cancels a run; /health answers during a 95% run", async () => {
    const started = await post({ targetCpu: 0.95, durationSeconds: 30, runId: "route-run" });
    expect(started.status).toBe(202);
    const { run } = (await started.json()) as { run: StressRunView };
    expect(run).toMatchObject({ id: "route-run", scenario: "morning-rush", status: "running", targetCpu: 0.95 });

    const replay = await post({ targetCpu: 0.95, durationSeconds: 30, runId: "route-run" });
    expect(replay.status).toBe(200);

    const app = serviceApp();
    for (let check = 0; check < 10; check += 1) {
      await sleep(150);
      const health = await app.request("/health");
      expect(health.status).toBe(200);
    }

    const polled = await app.request("/stress/runs/route-run", { headers: operator });
    expect(polled.status).toBe(200);
    expect(((await polled.json()) as { run: StressRunView }).run.status).toBe("running");

    const listed = (await (await app.request("/stress/runs", { headers: operator })).json()) as { runs: StressRunView[] };
    expect(listed.runs.map((entry) => entry.id)).toContain("route-run");

    const cancelled = await app.request("/stress/runs/route-run", { method: "DELETE", headers: operator });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { run: StressRunView }).run.status).toBe("cancelled");
  });

  it("answers 404 for an unknown run", async () => {
    const response = await serviceApp().request("/stress/runs/missing", { headers: operator });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("declares its contract: every route in the host's OpenAPI document, behind the operator token's bearer scheme", async () => {
    const app = serviceApp();
    app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "stress", version: "1" } });
    const document = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security: unknown; parameters?: { name: string; schema: { enum?: string[] } }[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.components.securitySchemes.operatorToken).toMatchObject({ type: "http", scheme: "bearer" });
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, operation })));
    expect(operations.map(({ route }) => route).sort()).toEqual(["delete /stress/runs/{id}", "get /stress/runs", "get /stress/runs/{id}", "post /stress/{scenario}"]);
    for (const { operation } of operations) expect(operation.security).toEqual([{ operatorToken: [] }]);
    expect(document.paths["/stress/{scenario}"]!.post!.parameters?.[0]?.schema.enum).toEqual(["morning-rush"]);
  });

  it("answers 429 beyond the concurrent-run cap", async () => {
    const capped = createRunRegistry({ pool, write: quiet, maxConcurrentRuns: 1 });
    const app = createServiceApp({ logger: createLogger({ service: "stress-test", write: quiet }) });
    app.route("/api/orders", stressRoutes({ scenarios: ["morning-rush"], operatorToken: TOKEN, registry: capped }));
    const start = () => app.request("/api/orders/stress/morning-rush", { method: "POST", headers: operator, body: JSON.stringify({ targetCpu: 0.1, durationSeconds: 20 }) });
    expect((await start()).status).toBe(202);
    expect((await start()).status).toBe(429);
    await capped.close();
  });
});

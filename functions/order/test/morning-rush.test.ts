import { afterAll, describe, expect, it } from "vitest";
import { createOrderApp } from "../src/app.ts";
import { sharedOrderRuntime } from "../src/runtime.ts";
import { createOrderStress } from "../src/routes/stress.ts";
import { bodyOf } from "./support.ts";

const token = "order-stress-test-operator-token";
const runtime = sharedOrderRuntime();
const stress = createOrderStress(token);
const app = createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, stressRoutes: stress.routes });

afterAll(async () => {
  await stress.close();
  await runtime.close();
});

const start = (body: unknown, auth?: string) =>
  app.request("/api/orders/stress/morning-rush", {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });

describe("POST /api/orders/stress/morning-rush", () => {
  it("refuses callers without the operator token (401) or with a wrong one (403)", async () => {
    expect((await start({ targetCpu: 0.3, durationSeconds: 2 })).status).toBe(401);
    expect((await start({ targetCpu: 0.3, durationSeconds: 2 }, "not-the-token")).status).toBe(403);
  });

  it("rejects a target above 1.0 and a duration past the cap with 400", async () => {
    expect((await start({ targetCpu: 1.5, durationSeconds: 2 }, token)).status).toBe(400);
    expect((await start({ targetCpu: 0.5, durationSeconds: 3600 }, token)).status).toBe(400);
  });

  it("starts a run that can be polled and cancelled while /health keeps answering", async () => {
    const res = await start({ targetCpu: 0.5, durationSeconds: 30 }, token);
    expect(res.status).toBe(202);
    const { run } = await bodyOf(res);
    expect(run).toMatchObject({ scenario: "morning-rush", status: "running", targetCpu: 0.5, durationSeconds: 30 });

    await new Promise((r) => setTimeout(r, 1500));
    const health = await app.request("/health");
    expect(health.status).toBe(200);

    const auth = { authorization: `Bearer ${token}` };
    const polled = await bodyOf(await app.request(`/api/orders/stress/runs/${run.id}`, { headers: auth }));
    expect(polled.run.status).toBe("running");
    const cancelled = await bodyOf(await app.request(`/api/orders/stress/runs/${run.id}`, { method: "DELETE", headers: auth }));
    expect(cancelled.run.status).toBe("cancelled");
  });
});

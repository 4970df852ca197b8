import { afterAll, describe, expect, it } from "vitest";
import { createOrderApp } from "../src/app.ts";
import { sharedOrderRuntime } from "../src/runtime.ts";
import { createOrderStress } from "../src/routes/stress.ts";
import { startMenuService } from "./menu-service.ts";
import { bodyAt, orderClient } from "./support.ts";

const token = "order-stress-test-operator-token";
const menu = await startMenuService();
const runtime = sharedOrderRuntime();
const stress = createOrderStress(token);
const client = orderClient(
  createOrderApp({ service: runtime.service, logger: runtime.logger, metrics: runtime.metrics, checks: runtime.checks, stressRoutes: stress.routes }),
);
const runs = client.api.orders.stress.runs[":id"];

afterAll(async () => {
  await stress.close();
  await runtime.close();
  await menu.stop();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const start = (body: { targetCpu: number; durationSeconds: number }, auth?: string) =>
  client.api.orders.stress[":scenario"].$post({ param: { scenario: "morning-rush" }, json: body }, auth ? bearer(auth) : {});

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
    const { run } = await bodyAt(await start({ targetCpu: 0.5, durationSeconds: 30 }, token), 202);
    expect(run).toMatchObject({ scenario: "morning-rush", status: "running", targetCpu: 0.5, durationSeconds: 30 });

    await new Promise((r) => setTimeout(r, 1500));
    const health = await client.health.$get();
    expect(health.status).toBe(200);

    const polled = await bodyAt(await runs.$get({ param: { id: run.id } }, bearer(token)), 200);
    expect(polled.run.status).toBe("running");
    const cancelled = await bodyAt(await runs.$delete({ param: { id: run.id } }, bearer(token)), 200);
    expect(cancelled.run.status).toBe("cancelled");
  });
});

import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, describe, expect, it } from "vitest";
import { loadLoyaltyServiceConfig } from "../src/config.ts";
import { loyaltyFixture } from "./support.ts";

// The service and the function share the run's OperatorToken link, as they share the stage's secret when deployed.
const fixture = loyaltyFixture({ operatorToken: loadLoyaltyServiceConfig().operatorToken, batch: { intervalMs: 0, chunkRows: 5_000, threads: 1, workerFile: undefined } });
const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
  const started = serve({ fetch: fixture.app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve({ server: started, port: info.port }));
});
// What infra gives the function beside the link: the service's address (the NLB's).
process.env.LOYALTY_SERVICE_URL = `http://127.0.0.1:${port}`;
const { handler } = await import("../src/jobs/scheduled-tier-run.ts");

afterAll(async () => {
  await fixture.runtime.recalculation.settled();
  await new Promise((resolve) => server.close(resolve));
  await fixture.close();
});

describe("the hourly trigger (EventBridge -> function -> the service through the NLB)", () => {
  it("starts the hour's run once, however often the schedule's invocation is retried", async () => {
    const hour = `2031-01-0${Math.floor(Math.random() * 9) + 1}T0${Math.floor(Math.random() * 10)}`;
    const first = await handler({ time: `${hour}:00:00Z` });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ run: { runId: `schedule-${hour}`, trigger: "schedule", status: "running" } });
    const retried = await handler({ time: `${hour}:00:00Z` });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ run: { runId: `schedule-${hour}` } });
    await fixture.runtime.recalculation.settled();
    expect((await fixture.runtime.runs.get(`schedule-${hour}`))?.status).toBe("succeeded");
  });
});

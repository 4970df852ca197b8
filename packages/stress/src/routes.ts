import { Hono } from "hono";
import { readJson, requireOperator } from "@cloudcafe/http";
import { cpuRunRequest } from "./events.ts";
import type { RunRegistry } from "./registry.ts";
import type { CpuScenario } from "./scenarios.ts";

export interface StressRoutesOptions {
  /** The scenarios this service offers (the Order service: `["morning-rush"]`). */
  scenarios: readonly CpuScenario[];
  /** From config/secret (`Resource.OperatorToken.value`); when undefined every call is refused. */
  operatorToken: string | undefined;
  registry: RunRegistry;
}

/**
 * Stress controls, to mount with `app.route("/stress", stressRoutes(...))` on a service app: `POST /<scenario>`
 * (202 with the new run, 200 when `runId` names an existing one), `GET /runs`, `GET /runs/:id`, `DELETE /runs/:id`.
 * Every route is destructive or reveals one, so all of them need the operator token.
 */
export function stressRoutes(options: StressRoutesOptions) {
  const { registry } = options;
  const body = cpuRunRequest(registry.limits.maxDurationSeconds);
  const app = new Hono();
  app.use("*", requireOperator(options.operatorToken));
  for (const scenario of options.scenarios) {
    app.post(`/${scenario}`, async (c) => {
      const request = await readJson(c, body);
      const { run, created } = registry.start({ scenario, ...request });
      return c.json({ run }, created ? 202 : 200);
    });
  }
  return app
    .get("/runs", (c) => c.json({ runs: registry.list() }))
    .get("/runs/:id", (c) => c.json({ run: registry.get(c.req.param("id")) }))
    .delete("/runs/:id", async (c) => c.json({ run: await registry.cancel(c.req.param("id")) }));
}

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
 * Stress controls under `/stress`, to mount with `app.route("/", stressRoutes(...))` (and again under a gateway
 * prefix such as `/api/orders`): `POST /stress/<scenario>` (202 with the new run, 200 when `runId` names an
 * existing one), `GET /stress/runs`, `GET /stress/runs/:id`, `DELETE /stress/runs/:id`. Every route is destructive
 * or reveals one, so all need the operator token; the guard is scoped to `/stress/*` so it never covers the
 * host app's other routes (`/health` stays open).
 */
export function stressRoutes(options: StressRoutesOptions) {
  const { registry } = options;
  const body = cpuRunRequest(registry.limits.maxDurationSeconds);
  const app = new Hono().basePath("/stress");
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

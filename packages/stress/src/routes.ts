import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { AppError } from "@cloudcafe/core";
import { contractRoutes, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity } from "@cloudcafe/http";
import { cpuRunRequest } from "./events.ts";
import type { RunRegistry, StressRunView } from "./registry.ts";
import type { CpuScenario } from "./scenarios.ts";

export interface StressRoutesOptions {
  /** The scenarios this service offers (the Order service: `["morning-rush"]`). */
  scenarios: readonly CpuScenario[];
  /** From config/secret (`Resource.OperatorToken.value`); when undefined every call is refused. */
  operatorToken: string | undefined;
  registry: RunRegistry;
}

const cpuSampleSchema = z
  .object({
    second: z.number().int().describe("Seconds since the run started (1 for the first full second)."),
    cpu: z.number().describe("Process CPU over that second, as a fraction of the process allowance."),
    duty: z.number().describe("Share of each period the worker threads were asked to be busy."),
  })
  .meta({ id: "CpuSample" });

const runReportSchema = z.object({
  targetCpu: z.number(),
  achievedCpu: z.number(),
  allowanceCores: z.number(),
  threads: z.number().int(),
  elapsedSeconds: z.number(),
  units: z.number(),
  stoppedBy: z.enum(["duration", "cancelled"]),
});

/** The registry's run view as the routes answer it (the compiler holds the two together both ways). */
function stressRunSchema(scenarios: readonly CpuScenario[]) {
  return z
    .object({
      id: z.string(),
      scenario: z.enum(scenarios),
      status: z.enum(["running", "completed", "cancelled", "failed"]),
      targetCpu: z.number(),
      durationSeconds: z.number(),
      startedAt: z.iso.datetime(),
      endedAt: z.iso.datetime().optional(),
      achievedCpu: z.number().optional().describe("Whole-run average once finished; the mean of the samples so far while running."),
      samples: z.array(cpuSampleSchema),
      report: runReportSchema.optional().describe("The controller's final figures."),
      error: z.string().optional(),
    })
    .meta({ id: "StressRun" }) satisfies z.ZodType<StressRunView>;
}

const runIdParams = z.object({ id: z.string() });
const guardFailures = ["UNAUTHORIZED", "FORBIDDEN"] as const;

/**
 * Stress controls under `/stress`, to mount with `app.route("/", stressRoutes(...))` (and again under a gateway
 * prefix such as `/api/orders`): `POST /stress/<scenario>` (202 with the new run, 200 when `runId` names an
 * existing one), `GET /stress/runs`, `GET /stress/runs/:id`, `DELETE /stress/runs/:id`. Every route is destructive
 * or reveals one, so all need the operator token; the guard is scoped to `/stress/*` so it never covers the
 * host app's other routes (`/health` stays open).
 */
export function stressRoutes(options: StressRoutesOptions) {
  const { registry } = options;
  const run = z.object({ run: stressRunSchema(options.scenarios) });
  const offered: MiddlewareHandler = async (c, next) => {
    if (!options.scenarios.some((scenario) => scenario === c.req.param("scenario"))) {
      throw new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`);
    }
    await next();
  };
  const tags = ["stress"];

  const start = createRoute({
    method: "post",
    path: "/{scenario}",
    tags,
    summary: "Start a run holding the CPU target for the duration",
    description: "Omitted fields take the scenario's defaults; a `runId` naming an existing run returns it instead of starting another.",
    security: operatorSecurity,
    middleware: offered,
    request: { params: z.object({ scenario: z.enum(options.scenarios) }), body: jsonBody(cpuRunRequest(registry.limits.maxDurationSeconds)) },
    responses: {
      202: { description: "Started", content: jsonContent(run) },
      200: { description: "The run `runId` names, already started", content: jsonContent(run) },
      ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", ...guardFailures, "NOT_FOUND", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "RATE_LIMITED"),
    },
  });
  const list = createRoute({
    method: "get",
    path: "/runs",
    tags,
    summary: "Runs of this process, running and recently finished",
    security: operatorSecurity,
    responses: {
      200: { description: "The runs", content: jsonContent(z.object({ runs: z.array(run.shape.run) })) },
      ...errorResponses(...guardFailures),
    },
  });
  const get = createRoute({
    method: "get",
    path: "/runs/{id}",
    tags,
    summary: "A run with its per-second samples",
    security: operatorSecurity,
    request: { params: runIdParams },
    responses: { 200: { description: "The run", content: jsonContent(run) }, ...errorResponses(...guardFailures, "NOT_FOUND") },
  });
  const cancel = createRoute({
    method: "delete",
    path: "/runs/{id}",
    tags,
    summary: "Cancel a run; answers once its workers have stopped",
    security: operatorSecurity,
    request: { params: runIdParams },
    responses: { 200: { description: "The cancelled run", content: jsonContent(run) }, ...errorResponses(...guardFailures, "NOT_FOUND") },
  });

  const app = contractRoutes().basePath("/stress");
  guardWithOperatorToken(app, options.operatorToken);
  return app
    .openapi(start, (c) => {
      const { run, created } = registry.start({ scenario: c.req.valid("param").scenario, ...c.req.valid("json") });
      return created ? c.json({ run }, 202) : c.json({ run }, 200);
    })
    .openapi(list, (c) => c.json({ runs: registry.list() }, 200))
    .openapi(get, (c) => c.json({ run: registry.get(c.req.valid("param").id) }, 200))
    .openapi(cancel, async (c) => c.json({ run: await registry.cancel(c.req.valid("param").id) }, 200));
}

export type StressRoutes = ReturnType<typeof stressRoutes>;

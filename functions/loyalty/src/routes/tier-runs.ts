import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError, startTierRunSchema, type TierRunStore, tierRunSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity } from "@cloudcafe/http";
import type { TierRecalculation } from "../jobs/tier-recalculation.ts";

const tags = ["tier runs"];
const runBody = z.object({ run: tierRunSchema });

const start = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Start the tier recalculation now (the hourly schedule calls this too)",
  description:
    "Streams every user through the batch pool, writes back the tiers that changed and stores the run with its SHA-256 digest; " +
    "then exports the aggregates per tier to the warehouse. 202 with the run as started; 200 when `runId` names an existing run; " +
    "409 while another run is in progress on any instance.",
  security: operatorSecurity,
  request: { body: jsonBody(startTierRunSchema) },
  responses: {
    202: { description: "Started", content: jsonContent(runBody) },
    200: { description: "The run `runId` names", content: jsonContent(runBody) },
    ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE", "DEPENDENCY_UNAVAILABLE"),
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The latest runs, newest first",
  security: operatorSecurity,
  responses: { 200: { description: "Runs", content: jsonContent(z.object({ runs: z.array(tierRunSchema) })) }, ...errorResponses("UNAUTHORIZED", "FORBIDDEN") },
});

const get = createRoute({
  method: "get",
  path: "/{runId}",
  tags,
  summary: "One run: started, finished, records, changed, digest, export",
  security: operatorSecurity,
  request: { params: z.object({ runId: z.string().min(1).max(80) }) },
  responses: { 200: { description: "The run", content: jsonContent(runBody) }, ...errorResponses("UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND") },
});

/** POST /, GET / and GET /:runId, mounted at /api/loyalty/tier-runs; all need the operator token. */
export function tierRunRoutes(recalculation: TierRecalculation, runs: TierRunStore, operatorToken: string | undefined) {
  const routes = contractRoutes();
  guardWithOperatorToken(routes, operatorToken);
  return routes
    .openapi(start, async (c) => {
      const { runId, trigger } = c.req.valid("json");
      const { run, started } = await recalculation.start(trigger, runId);
      return started ? c.json({ run }, 202) : c.json({ run }, 200);
    })
    .openapi(list, async (c) => c.json({ runs: await runs.latest(20) }, 200))
    .openapi(get, async (c) => {
      const { runId } = c.req.valid("param");
      const run = await runs.get(runId);
      if (!run) throw new AppError("NOT_FOUND", `No tier run ${runId}`);
      return c.json({ run }, 200);
    });
}

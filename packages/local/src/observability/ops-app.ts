/**
 * The sink over HTTP, behind the gateway's `/api/ops` rule: alarm states and recent series for the console's operator
 * view. Read-only, like CloudWatch's DescribeAlarms and GetMetricData; queries are validated (400 on bad input).
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError } from "@cloudcafe/core";
import { contractRoutes, createServiceApp, errorResponses, healthRoutes, jsonContent } from "@cloudcafe/http";
import type { Logger } from "@cloudcafe/observability";
import { RETENTION_SECONDS, type SeriesId } from "./metric-store.ts";
import type { MetricsSink } from "./sink.ts";

export const OPS_PATH_PREFIX = "/api/ops";

/** The gateway rule to the ops API: its own paths only (the gateway answers other `/api/ops` paths itself). */
export function opsGatewayRule(target: string) {
  return { service: "ops", pathPatterns: ["alarms", "metrics", "series"].map((path) => `${OPS_PATH_PREFIX}/${path}`), targets: [target] };
}
const tags = ["ops"];

const stateSchema = z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]);
const alarmSchema = z.object({
  key: z.string(),
  description: z.string(),
  state: stateSchema,
  stateChangedAt: z.iso.datetime(),
  reason: z.string(),
  threshold: z.number().nullable(),
  comparison: z.enum(["GreaterThanThreshold", "LessThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanOrEqualToThreshold"]),
  unit: z.enum(["Percent", "Count", "Milliseconds", "Seconds"]),
  treatMissingData: z.enum(["notBreaching", "breaching", "missing", "ignore"]),
  periodSeconds: z.number(),
  deployedPeriodSeconds: z.number(),
  evaluationPeriods: z.number(),
  datapointsToAlarm: z.number(),
  recent: z.array(z.object({ t: z.iso.datetime(), value: z.number().nullable() })),
  history: z.array(z.object({ at: z.iso.datetime(), from: stateSchema, to: stateSchema, reason: z.string() })),
});

const dimensionsSchema = z.record(z.string(), z.string());
const statisticSchema = z.union([z.enum(["Sum", "Average", "Maximum", "Minimum", "SampleCount"]), z.string().regex(/^p(100|[1-9]?\d(\.\d{1,2})?)$/, "a percentile: p0 to p100") as z.ZodType<`p${number}`>]);

/** `Name=Value,Name=Value`: the dimensions every series read must have (it may have more). */
const dimensionsParam = z
  .string()
  .max(1_000)
  .regex(/^[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*$/, "Name=Value pairs separated by commas")
  .transform((text) => text.split(",").map((pair) => pair.split("=") as [string, string]))
  // A series has one value per dimension: a name given twice would match nothing, or silently only its last value.
  .refine((pairs) => new Set(pairs.map(([name]) => name)).size === pairs.length, "each dimension name at most once")
  .transform((pairs) => Object.fromEntries(pairs));

const metricsQuery = z.object({
  namespace: z.string().min(1).max(256),
  name: z.string().min(1).max(255),
  dimensions: dimensionsParam.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  period: z.coerce.number().int().min(1).max(300).default(2),
  statistic: statisticSchema.default("Average"),
  /** One series of every series matched together (a Sum over all outcomes, a p99 over all routes), only those with `dimensions`. */
  merge: z.enum(["true", "false"]).default("false"),
});

const seriesSchema = z.object({ namespace: z.string(), name: z.string(), dimensions: dimensionsSchema, unit: z.string() });

const listAlarms = createRoute({
  method: "get",
  path: "/alarms",
  tags,
  summary: "Every alarm's state",
  description: "The catalog's alarms evaluated now over their local periods: state, when it changed and why, threshold, recent values, transitions.",
  responses: { 200: { description: "The alarms", content: jsonContent(z.object({ evaluatedAt: z.iso.datetime(), alarms: z.array(alarmSchema) })) } },
});

const readMetrics = createRoute({
  method: "get",
  path: "/metrics",
  tags,
  summary: "Recent datapoints of a metric",
  description: `One statistic per period since \`since\` (default 5 minutes ago; at most ${RETENTION_SECONDS} s are kept) for each series of the metric that has the given dimensions.`,
  request: { query: metricsQuery },
  responses: {
    200: {
      description: "The series and their points (periods without data left out)",
      content: jsonContent(
        z.object({
          namespace: z.string(),
          name: z.string(),
          statistic: z.string(),
          periodSeconds: z.number(),
          since: z.iso.datetime(),
          series: z.array(seriesSchema.extend({ points: z.array(z.object({ t: z.iso.datetime(), value: z.number() })) })),
        }),
      ),
    },
    ...errorResponses("VALIDATION_FAILED"),
  },
});

const listSeries = createRoute({
  method: "get",
  path: "/series",
  tags,
  summary: "The series the sink holds",
  request: { query: z.object({ namespace: z.string().min(1).max(256).optional() }) },
  responses: { 200: { description: "Each series' namespace, name, dimensions and unit", content: jsonContent(z.object({ series: z.array(seriesSchema) })) }, ...errorResponses("VALIDATION_FAILED") },
});

const DEFAULT_LOOKBACK_MS = 5 * 60_000;

function opsRoutes(sink: MetricsSink, now: () => number) {
  return contractRoutes()
    .openapi(listAlarms, (c) => c.json({ evaluatedAt: new Date(now()).toISOString(), alarms: sink.alarms() }, 200))
    .openapi(readMetrics, (c) => {
      const query = c.req.valid("query");
      const at = now();
      const sinceMs = query.since ? Date.parse(query.since) : at - DEFAULT_LOOKBACK_MS;
      if (sinceMs > at) throw new AppError("VALIDATION_FAILED", "since is in the future", { details: [{ path: "query.since", message: "must not be in the future" }] });
      const fromMs = Math.max(sinceMs, at - RETENTION_SECONDS * 1000);
      const selector = { namespace: query.namespace, name: query.name, dimensions: query.dimensions ?? {} };
      const matched = sink.store.select(selector);
      const periodMs = query.period * 1000;
      const pointsOf = (series: SeriesId) => sink.store.points(series, query.statistic, query.period, fromMs, at);
      const mergedPoints = () => {
        const points: { t: number; value: number }[] = [];
        for (let start = Math.floor(fromMs / periodMs) * periodMs; start < at; start += periodMs) {
          const value = sink.store.aggregate(selector, query.statistic, start, start + periodMs);
          if (value !== undefined) points.push({ t: start, value });
        }
        return points;
      };
      const series =
        query.merge === "true"
          ? matched.length === 0
            ? []
            : [{ namespace: query.namespace, name: query.name, dimensions: selector.dimensions, unit: matched[0]!.unit, points: mergedPoints() }]
          : matched.map((one) => ({ ...one, points: pointsOf(one) }));
      return c.json(
        {
          namespace: query.namespace,
          name: query.name,
          statistic: query.statistic,
          periodSeconds: query.period,
          since: new Date(fromMs).toISOString(),
          series: series.map((one) => ({ ...one, points: one.points.map((point) => ({ t: new Date(point.t).toISOString(), value: point.value })) })),
        },
        200,
      );
    })
    .openapi(listSeries, (c) => {
      const { namespace } = c.req.valid("query");
      const series = sink.store.list().filter((one) => !namespace || one.namespace === namespace);
      return c.json({ series }, 200);
    });
}

/** The ops API app: `/api/ops/alarms`, `/api/ops/metrics`, `/api/ops/series`, and `/health`. */
export function createOpsApp(sink: MetricsSink, options: { logger: Logger; now?: () => number }) {
  const app = createServiceApp({ logger: options.logger });
  return app.route("/", healthRoutes("ops", {})).route(OPS_PATH_PREFIX, opsRoutes(sink, options.now ?? Date.now));
}

export type OpsApp = ReturnType<typeof createOpsApp>;

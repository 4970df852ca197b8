import { hc } from "hono/client";
import type { OpsApp } from "@cloudcafe/local/observability/ops-app";
import { errorFromResponse, isErrorContract } from "../api/errors.ts";

/** One alarm as `GET /api/ops/alarms` answers it. */
export interface AlarmView {
  key: string;
  description: string;
  state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  stateChangedAt: string;
  reason: string;
  threshold: number | null;
  comparison: string;
  unit: "Percent" | "Count" | "Milliseconds" | "Seconds";
  periodSeconds: number;
  deployedPeriodSeconds: number;
  evaluationPeriods: number;
  recent: { t: string; value: number | null }[];
}

export interface MetricQuery {
  namespace: string;
  name: string;
  statistic: string;
  /** `Name=Value,...`: the dimensions every series read must have. */
  dimensions?: string;
  periodSeconds: number;
  sinceMs: number;
}

export interface Point {
  t: string;
  value: number;
}

export interface OpsClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The console's reader of the local platform's metrics sink (`/api/ops`, Hono's typed client over its routes). */
export function createOpsClient(options: OpsClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const ops = hc<OpsApp>(baseUrl, { fetch: fetchImpl }).api.ops;
  const answer = async <T>(response: Response): Promise<T> => {
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok || isErrorContract(body)) throw errorFromResponse(response, body, "");
    return body as T;
  };
  return {
    async alarms(): Promise<AlarmView[]> {
      return (await answer<{ alarms: AlarmView[] }>(await ops.alarms.$get())).alarms;
    },
    /** Every matching series merged into one: its points, oldest first. */
    async series(query: MetricQuery): Promise<Point[]> {
      const response = await ops.metrics.$get({
        query: {
          namespace: query.namespace,
          name: query.name,
          statistic: query.statistic,
          period: String(query.periodSeconds),
          since: new Date(query.sinceMs).toISOString(),
          merge: "true",
          ...(query.dimensions ? { dimensions: query.dimensions } : {}),
        },
      });
      return (await answer<{ series: { points: Point[] }[] }>(response)).series[0]?.points ?? [];
    },
  };
}

export type OpsClient = ReturnType<typeof createOpsClient>;

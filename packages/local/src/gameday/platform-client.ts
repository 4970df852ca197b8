/**
 * What the game day asks the running platform, over the gateway as an operator would: the fault control plane
 * (`/api/chaos/faults`, operator token), the local alarms (`/api/ops/alarms`) and, as staff, the barista's stages.
 */
import { LOCAL_PERIOD_SECONDS } from "@cloudcafe/catalog";
import { z } from "zod";

const alarmsSchema = z.object({
  alarms: z.array(z.object({ key: z.string(), state: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]) }).loose()),
});
const faultsSchema = z.object({ faults: z.array(z.object({ id: z.string(), available: z.boolean() }).loose()) });
const metricsSchema = z.object({ series: z.array(z.object({ points: z.array(z.object({ t: z.iso.datetime(), value: z.number() })) }).loose()) });

/** Which series of a metric to read: those with these dimensions (they may have more); every series without. */
export interface MetricSelector {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** The ops API's form of dimensions, `Name=Value,Name=Value`; empty for none. */
export const dimensionsQuery = (dimensions: Readonly<Record<string, string>> = {}) =>
  Object.entries(dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(",");

/** One local period (LOCAL_PERIOD_SECONDS) of a metric over the series selected: its lowest and highest datapoint. */
export interface MetricPeriod {
  readonly t: number;
  readonly min: number;
  readonly max: number;
}

export interface PlatformClient {
  alarmStates(): Promise<Record<string, "OK" | "ALARM" | "INSUFFICIENT_DATA">>;
  availableFaults(): Promise<Record<string, boolean>>;
  inject(id: string, ttlSeconds: number): Promise<void>;
  revert(id: string): Promise<void>;
  /** A metric's lowest and highest value per local period since `sinceMs`, over the series the selector reads together. */
  metricPeriods(metric: MetricSelector, sinceMs: number): Promise<MetricPeriod[]>;
  /** The barista's move of a paid order to its next stage (staff: the operator token). */
  advanceOrder(orderId: string, stage: string): Promise<void>;
}

export function platformClient(gatewayUrl: string, operatorToken: string): PlatformClient {
  const authorization = { authorization: `Bearer ${operatorToken}` };
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { ...authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    async alarmStates() {
      const { alarms } = alarmsSchema.parse(await call("GET", "/api/ops/alarms"));
      return Object.fromEntries(alarms.map((alarm) => [alarm.key, alarm.state]));
    },
    async availableFaults() {
      const { faults } = faultsSchema.parse(await call("GET", "/api/chaos/faults"));
      return Object.fromEntries(faults.map((fault) => [fault.id, fault.available]));
    },
    async inject(id, ttlSeconds) {
      await call("POST", `/api/chaos/faults/${id}`, { ttlSeconds });
    },
    async revert(id) {
      try {
        await call("DELETE", `/api/chaos/faults/${id}`);
      } catch (error) {
        // Already reverted by its TTL or its stop alarm: nothing to undo.
        if (!/: 404 /.test((error as Error).message)) throw error;
      }
    },
    async metricPeriods({ namespace, name, dimensions }, sinceMs) {
      const filter = dimensionsQuery(dimensions);
      const read = async (statistic: "Minimum" | "Maximum") => {
        const query = new URLSearchParams({ namespace, name, since: new Date(sinceMs).toISOString(), period: String(LOCAL_PERIOD_SECONDS), statistic, merge: "true" });
        if (filter) query.set("dimensions", filter);
        const { series } = metricsSchema.parse(await call("GET", `/api/ops/metrics?${query}`));
        return new Map((series[0]?.points ?? []).map((point) => [Date.parse(point.t), point.value]));
      };
      const [lows, highs] = await Promise.all([read("Minimum"), read("Maximum")]);
      return [...lows].map(([t, min]) => ({ t, min, max: highs.get(t) ?? min })).sort((a, b) => a.t - b.t);
    },
    async advanceOrder(orderId, stage) {
      await call("POST", `/api/orders/${encodeURIComponent(orderId)}/stage`, { stage });
    },
  };
}

import { createStore, type Store } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import type { AlarmView, MetricQuery, OpsClient, Point } from "./ops-client.ts";

/** The sink evaluates every second over 2 s periods: a refresh every 2 s shows each new period once. */
export const REFRESH_MS = 2_000;
/** What the charts span: the sink's recent periods of each alarm (90 of 2 s). */
export const WINDOW_MS = 3 * 60_000;

/** A series the console charts, read from `/api/ops/metrics` (merged over its dimensions). */
export interface ChartedMetric extends Omit<MetricQuery, "sinceMs"> {
  /** Multiplies each value (seconds to milliseconds). */
  scale?: number;
}

export interface OpsFeedState {
  alarms?: AlarmView[];
  series: Record<string, Point[]>;
  /** Why the last refresh failed (the sink runs with `npm start`; a deployed stage has CloudWatch instead). */
  error?: string;
  updatedAt?: number;
}

/**
 * One poller for the ops view's alarms and charts: alarm states and the charted series every REFRESH_MS while the page
 * is visible, so both panels read the same answer and the sink is asked once per refresh.
 */
export function createOpsFeed(client: OpsClient, metrics: Readonly<Record<string, ChartedMetric>>, now: () => number = Date.now): Store<OpsFeedState> & { refresh(): Promise<void> } {
  const store = createStore<OpsFeedState>({ series: {} });
  const refresh = async () => {
    const sinceMs = now() - WINDOW_MS;
    try {
      const [alarms, ...points] = await Promise.all([
        client.alarms(),
        ...Object.values(metrics).map(async ({ scale, ...query }) => (await client.series({ ...query, sinceMs })).map((point) => ({ ...point, value: point.value * (scale ?? 1) }))),
      ]);
      const series = Object.fromEntries(Object.keys(metrics).map((key, index) => [key, points[index]!]));
      store.update(() => ({ alarms, series, updatedAt: now() }));
    } catch (error) {
      store.update((current) => ({ ...current, error: describeError(error) }));
    }
  };
  void refresh();
  setInterval(() => {
    if (!document.hidden) void refresh();
  }, REFRESH_MS);
  return { ...store, refresh };
}

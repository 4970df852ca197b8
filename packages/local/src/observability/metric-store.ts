/**
 * Recent metric series in memory, bounded: one ring of one-second buckets per series (`RETENTION_SECONDS` of them),
 * at most `MAX_SERIES` series (the one written longest ago is dropped for a new one). A bucket keeps what CloudWatch
 * keeps for a statistic set (count, sum, min, max) plus a bounded sample of the values for percentiles.
 */
import type { AlarmStatistic } from "@cloudcafe/catalog";

export const RETENTION_SECONDS = 900;
export const MAX_SERIES = 2_000;
/** Values kept per one-second bucket for percentiles; past it, a uniform sample (reservoir) of them. */
const VALUES_PER_BUCKET = 200;

export type Dimensions = Readonly<Record<string, string>>;

export interface Datapoint {
  readonly namespace: string;
  readonly name: string;
  readonly value: number;
  readonly unit?: string;
  readonly dimensions?: Dimensions;
  /** Epoch milliseconds; now when absent. */
  readonly timestamp?: number;
}

export interface SeriesId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimensions;
  readonly unit: string;
}

interface Bucket {
  second: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  values: number[];
}

interface Series extends SeriesId {
  readonly buckets: (Bucket | undefined)[];
  lastWrite: number;
}

/** Which series a query reads: a namespace and metric name, and dimensions every series read must have (a subset). */
export interface SeriesSelector {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions?: Dimensions;
}

const seriesKey = (namespace: string, name: string, dimensions: Dimensions) =>
  JSON.stringify([namespace, name, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);

const idOf = ({ namespace, name, dimensions, unit }: SeriesId): SeriesId => ({ namespace, name, dimensions, unit });

export function matches(series: SeriesId, selector: SeriesSelector): boolean {
  if (series.namespace !== selector.namespace || series.name !== selector.name) return false;
  return Object.entries(selector.dimensions ?? {}).every(([key, value]) => series.dimensions[key] === value);
}

/** One statistic of the values in a set of buckets, or undefined when they hold no datapoint. */
export function statisticOf(buckets: readonly Bucket[], statistic: AlarmStatistic): number | undefined {
  const count = buckets.reduce((total, bucket) => total + bucket.count, 0);
  if (count === 0) return undefined;
  switch (statistic) {
    case "Sum":
      return buckets.reduce((total, bucket) => total + bucket.sum, 0);
    case "SampleCount":
      return count;
    case "Average":
      return buckets.reduce((total, bucket) => total + bucket.sum, 0) / count;
    case "Maximum":
      return Math.max(...buckets.map((bucket) => bucket.max));
    case "Minimum":
      return Math.min(...buckets.map((bucket) => bucket.min));
    default: {
      const percentile = Number(statistic.slice(1));
      const values = buckets.flatMap((bucket) => bucket.values).sort((a, b) => a - b);
      // Nearest rank, as CloudWatch's percentiles over raw values.
      return values[Math.min(values.length - 1, Math.max(0, Math.ceil((percentile / 100) * values.length) - 1))];
    }
  }
}

export interface MetricStore {
  record(datapoint: Datapoint): void;
  /** The series a selector reads. */
  select(selector: SeriesSelector): SeriesId[];
  /** The statistic over [fromMs, toMs) of every series the selector reads together, or undefined without data. */
  aggregate(selector: SeriesSelector, statistic: AlarmStatistic, fromMs: number, toMs: number): number | undefined;
  /** The statistic of one series per `periodSeconds` from `fromMs` to now (periods without data left out). */
  points(series: SeriesId, statistic: AlarmStatistic, periodSeconds: number, fromMs: number, nowMs: number): { t: number; value: number }[];
  list(): SeriesId[];
}

export function createMetricStore(options: { now?: () => number } = {}): MetricStore {
  const now = options.now ?? Date.now;
  const series = new Map<string, Series>();
  /** The series of each namespace and metric name: an alarm's query reads only those (it runs every alarm, each period). */
  const byMetric = new Map<string, Series[]>();
  const metricKey = (namespace: string, name: string) => `${namespace}\u0000${name}`;

  function seriesFor(datapoint: Datapoint): Series {
    const dimensions = datapoint.dimensions ?? {};
    const key = seriesKey(datapoint.namespace, datapoint.name, dimensions);
    let found = series.get(key);
    if (!found) {
      if (series.size >= MAX_SERIES) {
        const [stalestKey, stalest] = [...series.entries()].reduce((a, b) => (a[1].lastWrite <= b[1].lastWrite ? a : b));
        series.delete(stalestKey);
        const siblings = byMetric.get(metricKey(stalest.namespace, stalest.name))!;
        siblings.splice(siblings.indexOf(stalest), 1);
      }
      found = { namespace: datapoint.namespace, name: datapoint.name, dimensions, unit: datapoint.unit ?? "None", buckets: new Array(RETENTION_SECONDS), lastWrite: 0 };
      series.set(key, found);
      const named = metricKey(found.namespace, found.name);
      if (byMetric.has(named)) byMetric.get(named)!.push(found);
      else byMetric.set(named, [found]);
    }
    return found;
  }

  function bucketsIn(target: Series, fromMs: number, toMs: number, found: Bucket[] = []): Bucket[] {
    const from = Math.max(Math.floor(fromMs / 1000), Math.floor(now() / 1000) - RETENTION_SECONDS + 1);
    const to = Math.ceil(toMs / 1000);
    for (let second = from; second < to; second++) {
      const bucket = target.buckets[second % RETENTION_SECONDS];
      if (bucket?.second === second) found.push(bucket);
    }
    return found;
  }

  return {
    record(datapoint) {
      if (!Number.isFinite(datapoint.value)) return;
      const second = Math.floor((datapoint.timestamp ?? now()) / 1000);
      if (second <= Math.floor(now() / 1000) - RETENTION_SECONDS) return;
      const target = seriesFor(datapoint);
      target.lastWrite = now();
      const slot = second % RETENTION_SECONDS;
      let bucket = target.buckets[slot];
      if (!bucket || bucket.second !== second) {
        bucket = { second, count: 0, sum: 0, min: Infinity, max: -Infinity, values: [] };
        target.buckets[slot] = bucket;
      }
      const { value } = datapoint;
      bucket.count++;
      bucket.sum += value;
      bucket.min = Math.min(bucket.min, value);
      bucket.max = Math.max(bucket.max, value);
      if (bucket.values.length < VALUES_PER_BUCKET) bucket.values.push(value);
      else {
        const replaced = Math.floor(Math.random() * bucket.count);
        if (replaced < VALUES_PER_BUCKET) bucket.values[replaced] = value;
      }
    },
    select(selector) {
      return (byMetric.get(metricKey(selector.namespace, selector.name)) ?? []).filter((candidate) => matches(candidate, selector)).map(idOf);
    },
    aggregate(selector, statistic, fromMs, toMs) {
      const buckets: Bucket[] = [];
      for (const candidate of byMetric.get(metricKey(selector.namespace, selector.name)) ?? []) {
        if (matches(candidate, selector)) bucketsIn(candidate, fromMs, toMs, buckets);
      }
      return statisticOf(buckets, statistic);
    },
    points(target, statistic, periodSeconds, fromMs, nowMs) {
      const periodMs = periodSeconds * 1000;
      const stored = series.get(seriesKey(target.namespace, target.name, target.dimensions));
      if (!stored) return [];
      const result: { t: number; value: number }[] = [];
      for (let start = Math.floor(fromMs / periodMs) * periodMs; start < nowMs; start += periodMs) {
        const value = statisticOf(bucketsIn(stored, start, start + periodMs), statistic);
        if (value !== undefined) result.push({ t: start, value });
      }
      return result;
    },
    list() {
      return [...series.values()].map(idOf);
    },
  };
}

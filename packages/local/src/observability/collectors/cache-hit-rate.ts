/**
 * ElastiCache's CacheHitRate, measured on the local Redis: INFO's keyspace_hits and keyspace_misses, the same
 * counters ElastiCache derives it from, sampled once a local period (ElastiCache publishes once a minute) over one
 * kept connection; each sample's hit rate over the reads since the one
 * before (no reads: no datapoint, as ElastiCache reports none), with CacheHits, CacheMisses and Evictions (INFO's
 * evicted_keys), under AWS/ElastiCache.
 * The server may be shared with other programs on this machine; INFO counts every client's reads.
 */
import { localAlarmDimensions } from "@cloudcafe/catalog";
import { Redis } from "ioredis";
import type { Logger } from "@cloudcafe/observability";
import type { MetricsSink } from "../sink.ts";
import { sampleOncePerPeriod } from "./once-a-period.ts";

const TIMEOUT_MS = 1_000;

export interface RedisInfoReader {
  /** INFO stats as text. */
  read(): Promise<string>;
  close(): void;
}

/**
 * INFO stats over one connection kept open between samples, as a CloudWatch agent or exporter keeps its connection (a
 * new one every second was most of an idle Redis's work). ioredis reconnects a dropped connection itself; a read
 * while it does waits for it, at most `TIMEOUT_MS`, then fails.
 */
export function redisInfoReader(redisUrl: string): RedisInfoReader {
  const redis = new Redis(redisUrl, { commandTimeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 1 });
  // A refused or dropped connection shows as failed reads (the collector warns once); ioredis would log it each retry.
  redis.on("error", () => {});
  return {
    read: () => redis.info("stats"),
    close: () => redis.disconnect(),
  };
}

const counter = (info: string, name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? NaN);

export function collectCacheHitRate(sink: MetricsSink, redisUrl: string, logger: Logger): { stop(): void } {
  let previous: { hits: number; misses: number; evictions: number } | undefined;
  let warned = false;
  const dimensions = { CacheClusterId: localAlarmDimensions.cacheCluster };
  const reader = redisInfoReader(redisUrl);
  const sample = async () => {
    try {
      const info = await reader.read();
      const current = { hits: counter(info, "keyspace_hits"), misses: counter(info, "keyspace_misses"), evictions: counter(info, "evicted_keys") };
      if (!Object.values(current).every(Number.isFinite)) throw new Error("INFO stats has no keyspace_hits, keyspace_misses or evicted_keys");
      // A restarted server starts its counters again: that sample only sets the new baseline.
      if (previous && current.hits >= previous.hits && current.misses >= previous.misses && current.evictions >= previous.evictions) {
        const hits = current.hits - previous.hits;
        const misses = current.misses - previous.misses;
        sink.record({ namespace: "AWS/ElastiCache", name: "CacheHits", value: hits, unit: "Count", dimensions });
        sink.record({ namespace: "AWS/ElastiCache", name: "CacheMisses", value: misses, unit: "Count", dimensions });
        sink.record({ namespace: "AWS/ElastiCache", name: "Evictions", value: current.evictions - previous.evictions, unit: "Count", dimensions });
        if (hits + misses > 0) sink.record({ namespace: "AWS/ElastiCache", name: "CacheHitRate", value: (100 * hits) / (hits + misses), unit: "Percent", dimensions });
      }
      previous = current;
      warned = false;
    } catch (error) {
      if (!warned) logger.warn("cache hit rate not measured", { error });
      warned = true;
    }
  };
  const sampling = sampleOncePerPeriod(sample);
  return {
    stop: () => {
      sampling.stop();
      reader.close();
    },
  };
}

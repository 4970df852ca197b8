/**
 * ElastiCache's CacheHitRate, measured on the local Redis: INFO's keyspace_hits and keyspace_misses, the same
 * counters ElastiCache derives it from, sampled every second; each sample's hit rate over the reads since the one
 * before (no reads: no datapoint, as ElastiCache reports none), with CacheHits, CacheMisses and Evictions (INFO's
 * evicted_keys), under AWS/ElastiCache.
 * The server may be shared with other programs on this machine; INFO counts every client's reads.
 */
import { connect } from "node:net";
import { localAlarmDimensions } from "@cloudcafe/catalog";
import type { Logger } from "@cloudcafe/observability";
import type { MetricsSink } from "../sink.ts";

const SAMPLE_MS = 1_000;
const TIMEOUT_MS = 1_000;

/** INFO stats as text, over one short RESP connection (an inline command; the answer is one bulk string). */
export function redisInfoStats(redisUrl: string): Promise<string> {
  const url = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`Redis at ${url.host} did not answer INFO within ${TIMEOUT_MS} ms`)));
    let received = "";
    socket.once("connect", () => {
      if (url.password) socket.write(`AUTH ${decodeURIComponent(url.username || "default")} ${decodeURIComponent(url.password)}\r\n`);
      socket.write("INFO stats\r\n");
    });
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      const header = /\$(\d+)\r\n/.exec(received);
      if (received.startsWith("-") || received.includes("\r\n-ERR")) return socket.destroy(new Error(received.trim()));
      if (header && Buffer.byteLength(received.slice(header.index + header[0].length)) >= Number(header[1])) {
        socket.end();
        resolve(received.slice(header.index + header[0].length));
      }
    });
    socket.once("error", reject);
  });
}

const counter = (info: string, name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? NaN);

export function collectCacheHitRate(sink: MetricsSink, redisUrl: string, logger: Logger): { stop(): void } {
  let previous: { hits: number; misses: number; evictions: number } | undefined;
  let warned = false;
  const dimensions = { CacheClusterId: localAlarmDimensions.cacheCluster };
  const sample = async () => {
    try {
      const info = await redisInfoStats(redisUrl);
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
  const timer = setInterval(() => void sample(), SAMPLE_MS);
  timer.unref();
  void sample();
  return { stop: () => clearInterval(timer) };
}

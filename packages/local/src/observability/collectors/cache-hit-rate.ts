/**
 * ElastiCache's CacheHitRate, measured on the local Redis: INFO's keyspace_hits and keyspace_misses, the same
 * counters ElastiCache derives it from, sampled once a local period (ElastiCache publishes once a minute) over one
 * kept connection; each sample's hit rate over the reads since the one
 * before (no reads: no datapoint, as ElastiCache reports none), with CacheHits, CacheMisses and Evictions (INFO's
 * evicted_keys), under AWS/ElastiCache.
 * The server may be shared with other programs on this machine; INFO counts every client's reads.
 */
import { connect, type Socket } from "node:net";
import { localAlarmDimensions } from "@cloudcafe/catalog";
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
 * INFO stats over one RESP connection kept open between samples (inline commands; each answer is one bulk string),
 * as a CloudWatch agent or exporter keeps its connection: a new one every second would be most of an idle Redis's
 * work. One read at a time; a failed or timed-out read drops the connection and the next one opens another.
 */
export function redisInfoReader(redisUrl: string): RedisInfoReader {
  const url = new URL(redisUrl);
  let socket: Socket | undefined;
  let pending: { resolve: (info: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;
  let received = "";

  const settle = (outcome: { info: string } | { error: Error }) => {
    const waiting = pending;
    pending = undefined;
    received = "";
    if (!waiting) return;
    clearTimeout(waiting.timer);
    if ("info" in outcome) waiting.resolve(outcome.info);
    else waiting.reject(outcome.error);
  };
  const drop = (error: Error) => {
    socket?.destroy();
    socket = undefined;
    settle({ error });
  };
  const open = (): Socket => {
    const opened = connect({ host: url.hostname, port: Number(url.port || 6379) });
    opened.setNoDelay(true);
    if (url.password) opened.write(`AUTH ${decodeURIComponent(url.username || "default")} ${decodeURIComponent(url.password)}\r\n`);
    opened.on("data", (chunk) => {
      received += chunk.toString("utf8");
      // AUTH's +OK comes first when there is a password.
      if (received.startsWith("+OK\r\n")) received = received.slice(5);
      if (received.startsWith("-")) return drop(new Error(received.trim()));
      const header = /^\$(\d+)\r\n/.exec(received);
      if (header && Buffer.byteLength(received.slice(header[0].length)) >= Number(header[1]) + 2) {
        settle({ info: received.slice(header[0].length, header[0].length + Number(header[1])) });
      }
    });
    opened.once("error", (error) => {
      if (socket === opened) drop(error);
    });
    opened.once("close", () => {
      if (socket === opened) drop(new Error(`Redis at ${url.host} closed the connection`));
    });
    return opened;
  };

  return {
    read() {
      if (pending) return Promise.reject(new Error("an INFO read is already in flight"));
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => drop(new Error(`Redis at ${url.host} did not answer INFO within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        pending = { resolve, reject, timer };
        socket ??= open();
        socket.write("INFO stats\r\n");
      });
    },
    close() {
      const closing = socket;
      socket = undefined;
      closing?.destroy();
      settle({ error: new Error("closed") });
    },
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

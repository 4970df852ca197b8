import type { Redis } from "ioredis";
import { type ApplicationFaultSource, cacheBallastParameters } from "@cloudcafe/core";
import type { Logger, Metrics } from "@cloudcafe/observability";

export const CACHE_FLUSH_FAULT = "elasticache-flush";
export const CACHE_PRESSURE_FAULT = "redis-eviction-pressure";
/** `on` (the default) or `off`: whether a long-running service runs this agent (see the order service's config). */
export const CACHE_FAULT_AGENT_ENV = "CACHE_FAULT_AGENT";
const BALLAST_PREFIX = "chaos:ballast:";
const BALLAST_VALUE_BYTES = 64 * 1024;

function infoField(info: string, field: string): number {
  const match = info.match(new RegExp(`^${field}:(\\d+)`, "m"));
  return match ? Number(match[1]) : 0;
}

export interface CacheFaultAgent {
  /** One look at the fault parameter and what it asks of the cache (the loop calls it; tests call it directly). */
  tick(): Promise<void>;
  stop(): void;
}

/**
 * The two cache faults as the deployed cache client causes them (ElastiCache takes neither from outside: FIS has no
 * action, and maxmemory is the node type's): `elasticache-flush` runs FLUSHDB once per injection in each process;
 * `redis-eviction-pressure` writes ballast (keys expiring with the fault) until the memory in use reaches the fill
 * share of maxmemory, so the cache's own entries are evicted as it fills, never more than `maxBallastBytes` per process.
 * Locally the control plane causes both itself and leaves them out of the document the services read, so this is
 * inert there. Counts `CacheFlushes` and `CacheBallastBytes`.
 */
export function startCacheFaultAgent(options: {
  readonly redis: Redis;
  readonly faults: ApplicationFaultSource;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly intervalMs?: number;
  /** Distinguishes this process's ballast from another task's. */
  readonly processId?: string;
}): CacheFaultAgent {
  const { redis, faults, logger, metrics } = options;
  const processId = options.processId ?? String(process.pid);
  const flushed = new Set<string>();
  const ballastWritten = new Map<string, number>();

  async function flushOnce(): Promise<void> {
    const fault = await faults.active(CACHE_FLUSH_FAULT);
    if (!fault || flushed.has(fault.injectionId)) return;
    flushed.add(fault.injectionId);
    const keys = await redis.dbsize();
    await redis.flushdb();
    metrics.put("CacheFlushes", 1, "Count", { Fault: CACHE_FLUSH_FAULT });
    logger.warn("cache flushed by the elasticache-flush fault", { injectionId: fault.injectionId, keys });
  }

  async function addBallast(): Promise<void> {
    const fault = await faults.active(CACHE_PRESSURE_FAULT);
    if (!fault) return;
    const { fillShare, maxBallastBytes } = cacheBallastParameters.parse(fault.parameters);
    const memory = await redis.info("memory");
    const maxmemory = infoField(memory, "maxmemory");
    if (maxmemory === 0) return logger.warn("redis-eviction-pressure: the cache has no maxmemory; nothing to press against");
    const written = ballastWritten.get(fault.injectionId) ?? 0;
    const missing = Math.min(maxmemory * fillShare - infoField(memory, "used_memory"), maxBallastBytes - written);
    if (missing <= 0) return;
    const seconds = Math.max(1, Math.ceil((Date.parse(fault.expiresAt) - Date.now()) / 1_000));
    const value = "x".repeat(BALLAST_VALUE_BYTES);
    const pipeline = redis.pipeline();
    const count = Math.ceil(missing / BALLAST_VALUE_BYTES);
    for (let i = 0; i < count; i++) pipeline.set(`${BALLAST_PREFIX}${fault.injectionId}:${processId}:${written / BALLAST_VALUE_BYTES + i}`, value, "EX", seconds);
    await pipeline.exec();
    ballastWritten.set(fault.injectionId, written + count * BALLAST_VALUE_BYTES);
    metrics.put("CacheBallastBytes", count * BALLAST_VALUE_BYTES, "Bytes", { Fault: CACHE_PRESSURE_FAULT });
  }

  async function tick(): Promise<void> {
    await flushOnce().catch((error: unknown) => logger.warn("elasticache-flush could not run", { error }));
    await addBallast().catch((error: unknown) => logger.warn("redis-eviction-pressure could not write its ballast", { error }));
  }

  const timer = setInterval(() => void tick(), options.intervalMs ?? 5_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}

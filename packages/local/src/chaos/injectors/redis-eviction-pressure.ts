import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { z } from "zod";
import type { FaultInjector } from "../injector.ts";

const BALLAST_PREFIX = "chaos:ballast:";
const BALLAST_VALUE_BYTES = 16 * 1024;

const parameters = z.object({
  /** How far above the memory in use maxmemory is set: the room the cache's users have left. */
  headroomBytes: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(1024 * 1024),
  policy: z.enum(["allkeys-lru", "allkeys-lfu", "volatile-lru", "allkeys-random"]).default("allkeys-lru"),
  /**
   * Ballast written every second while the fault is in force (a noisy neighbour of the cache): faster than the
   * headroom, so the least recently used keys evicted are the services' own, read a few seconds ago.
   */
  ballastBytesPerSecond: z.coerce.number().int().min(0).max(16 * 1024 * 1024).default(2 * 1024 * 1024),
});

/** The ballast writer's beat: a tenth of the rate every 100 ms. */
const WRITER_BEAT_MS = 100;

interface SavedConfig {
  readonly maxmemory: string;
  readonly policy: string;
}

const connect = async (url: string) => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  await redis.connect();
  return redis;
};

/** A field of INFO (`used_memory`, `evicted_keys`, ...). */
export async function redisInfoField(redis: Redis, section: string, field: string): Promise<number> {
  const info = await redis.info(section);
  const match = info.match(new RegExp(`^${field}:(\\d+)`, "m"));
  if (!match) throw new Error(`INFO ${section} has no ${field}`);
  return Number(match[1]);
}

async function restore(url: string, saved: SavedConfig): Promise<number> {
  const redis = await connect(url);
  try {
    await redis.config("SET", "maxmemory", saved.maxmemory);
    await redis.config("SET", "maxmemory-policy", saved.policy);
    let removed = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${BALLAST_PREFIX}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== "0");
    return removed;
  } finally {
    redis.disconnect();
  }
}

/**
 * `redis-eviction-pressure` locally: the cache's maxmemory is lowered to just above the memory in use with an evicting
 * policy, and ballast is written until Redis evicts (INFO's `evicted_keys` moves, else the injection fails: a fault
 * that evicts nothing proves nothing). From then on every write to the cache evicts something, and a ballast writer
 * keeps writing (`ballastBytesPerSecond`) until the revert, so the pressure lasts: with its least recently used keys
 * younger than the services' working set, LRU evicts the services' entries between two reads. Reverting stops it, restores
 * maxmemory and the policy found before and deletes the ballast left. maxmemory is a server setting: on a shared
 * Redis every database feels it, which is the fault's blast radius.
 */
function startBallastWriter(redis: Redis, prefix: string, from: number, bytesPerSecond: number, value: string): { stop(): Promise<void> } {
  const perBeat = Math.ceil((bytesPerSecond * WRITER_BEAT_MS) / 1000 / value.length);
  let next = from;
  let writing: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // A beat the server has not finished is not doubled: a slow server gets less ballast, never a queue of it.
    if (perBeat === 0 || writing) return;
    const pipeline = redis.pipeline();
    for (let i = 0; i < perBeat; i++) pipeline.set(`${prefix}${next++}`, value, "EX", 600);
    writing = pipeline
      .exec()
      .catch(() => undefined)
      .finally(() => (writing = undefined));
  }, WRITER_BEAT_MS);
  return {
    async stop() {
      clearInterval(timer);
      await writing;
      redis.disconnect();
    },
  };
}

export function redisEvictionPressureInjector(options: { readonly cacheUrl: string }): FaultInjector {
  return {
    parameters,
    async inject({ parameters: raw, injectionId }) {
      const { headroomBytes, policy, ballastBytesPerSecond } = parameters.parse(raw);
      const redis = await connect(options.cacheUrl);
      try {
        const [, maxmemory] = (await redis.config("GET", "maxmemory")) as [string, string];
        const [, previousPolicy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
        const saved: SavedConfig = { maxmemory, policy: previousPolicy };
        const evictedBefore = await redisInfoField(redis, "stats", "evicted_keys");
        const used = await redisInfoField(redis, "memory", "used_memory");
        await redis.config("SET", "maxmemory-policy", policy);
        await redis.config("SET", "maxmemory", String(used + headroomBytes));
        const ballast = "x".repeat(BALLAST_VALUE_BYTES);
        const maxWrites = Math.ceil((3 * headroomBytes) / BALLAST_VALUE_BYTES) + 16;
        let written = 0;
        let evicted = 0;
        try {
          while (written < maxWrites && evicted === 0) {
            const pipeline = redis.pipeline();
            for (let i = 0; i < 16; i++) pipeline.set(`${BALLAST_PREFIX}${injectionId}:${written++}`, ballast, "EX", 600);
            await pipeline.exec();
            evicted = (await redisInfoField(redis, "stats", "evicted_keys")) - evictedBefore;
          }
          // Evictions are counted as they happen, but give a slow server a moment before calling it a failure.
          if (evicted === 0) {
            await sleep(100);
            evicted = (await redisInfoField(redis, "stats", "evicted_keys")) - evictedBefore;
          }
          if (evicted === 0) throw new Error(`Redis evicted nothing after ${written} ballast writes (policy ${policy})`);
        } catch (error) {
          await restore(options.cacheUrl, saved);
          throw error;
        }
        const writer = startBallastWriter(await connect(options.cacheUrl), `${BALLAST_PREFIX}${injectionId}:`, written, ballastBytesPerSecond, ballast);
        return {
          effect: { maxmemoryBytes: used + headroomBytes, previousMaxmemoryBytes: Number(maxmemory), policy, ballastWritten: written, keysEvicted: evicted, ballastBytesPerSecond },
          record: { ...saved },
          revert: async () => {
            await writer.stop();
            await restore(options.cacheUrl, saved);
          },
        };
      } finally {
        redis.disconnect();
      }
    },
    recover: async (record) => void (await restore(options.cacheUrl, record as unknown as SavedConfig)),
  };
}

/**
 * The cache faults as the deployed order service causes them from the fault parameter (ElastiCache takes neither
 * from outside): one flush per injection, and ballast up to the fill share of maxmemory, which makes Redis evict the
 * cache's own entries. On a redis-server of the test's own with a small maxmemory, as an ElastiCache node has one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCacheFaultAgent } from "@cloudcafe/adapters";
import { type ApplicationFaultSource, activeEntry } from "@cloudcafe/core";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { redisInfoField } from "../../src/chaos/injectors/redis-eviction-pressure.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/testing/private-redis.ts";

const logger = createLogger({ service: "chaos-test", level: "ERROR" });
const metrics = createMetrics({ namespace: "CloudCafe/OrderService", service: "test", write: () => {} });
let redis: PrivateRedis;

beforeAll(async () => {
  redis = await startPrivateRedis((port) => ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru"]);
});
afterAll(async () => {
  await redis?.stop();
});

/** The parameter's document, as the stage holds it while a game day runs. */
const parameter = (document: Record<string, unknown>): ApplicationFaultSource => ({ active: async (id) => activeEntry(document, id, new Date()) });
const entry = (injectionId: string, parameters: Record<string, number> = {}) => ({ injectionId, expiresAt: new Date(Date.now() + 60_000).toISOString(), parameters });

describe("the order service's cache fault agent", () => {
  it("flushes the cache once per injection of elasticache-flush", async () => {
    const cache = redis.client(0);
    const document: Record<string, unknown> = { "elasticache-flush": entry("flush-1") };
    const agent = startCacheFaultAgent({ redis: cache, faults: parameter(document), logger, metrics, intervalMs: 60_000 });
    try {
      await cache.set("order:1", "cached");
      await agent.tick();
      expect(await cache.exists("order:1")).toBe(0);
      await cache.set("order:2", "cached");
      await agent.tick();
      expect(await cache.get("order:2")).toBe("cached");
      document["elasticache-flush"] = entry("flush-2");
      await agent.tick();
      expect(await cache.exists("order:2")).toBe(0);
    } finally {
      agent.stop();
    }
  });

  it("fills the cache with expiring ballast under redis-eviction-pressure until Redis evicts its entries", async () => {
    const cache = redis.client(0);
    await cache.flushdb();
    for (let i = 0; i < 200; i++) await cache.set(`menu:item:${i}`, "v".repeat(2_000));
    const evictedBefore = await redisInfoField(cache, "stats", "evicted_keys");
    const agent = startCacheFaultAgent({ redis: cache, faults: parameter({ "redis-eviction-pressure": entry("pressure-1", { fillShare: 0.99 }) }), logger, metrics, intervalMs: 60_000 });
    try {
      await agent.tick();
      for (let i = 0; i < 50; i++) await cache.set(`order:${i}`, "o".repeat(20_000));
      expect(await redisInfoField(cache, "stats", "evicted_keys")).toBeGreaterThan(evictedBefore);
      const ballast = await cache.keys("chaos:ballast:pressure-1:*");
      expect(ballast.length).toBeGreaterThan(0);
      expect(await cache.ttl(ballast[0]!)).toBeGreaterThan(0);
    } finally {
      agent.stop();
    }
  });
});

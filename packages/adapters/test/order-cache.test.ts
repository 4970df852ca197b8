import { randomUUID } from "node:crypto";
import type { Order } from "@cloudcafe/core";
import { createLogger } from "@cloudcafe/observability";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { orderCacheKey, redisOrderCache } from "../src/order/redis-order-cache.ts";
import { redisInfoField } from "@cloudcafe/local/chaos/injectors/redis-eviction-pressure";
import { startPrivateRedis } from "@cloudcafe/local/testing/private-redis";

// The root test setup starts the local platform and puts its REDIS_URL in every test process's environment.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const cache = redisOrderCache(redis, createLogger({ service: "order-cache-test" }), 60);

afterAll(() => redis.disconnect());

const anOrder = (orderId: string, version: number, status: Order["status"] = "PENDING"): Order => ({
    orderId,
    customerId: "cust-1",
    storeId: "store-001",
    status,
    items: [],
    subtotalCents: 0,
    taxCents: 0,
    totalCents: 0,
    currency: "USD",
    version,
    createdAt: "2026-11-25T00:00:00.000Z",
    updatedAt: "2026-11-25T00:00:00.000Z",
});

describe("version-checked order cache on Redis", () => {
  it("keeps a reader that fetched the order before a change from re-caching the old version after the invalidation", async () => {
    const orderId = `ord_${randomUUID()}`;
    const before = anOrder(orderId, 1);
    await cache.set(before);
    // The order moves to version 2; its outbox invalidates the cache; a slow reader then writes what it read before.
    await cache.invalidate(orderId, 2);
    await cache.set(before);
    expect(await cache.get(orderId)).toBeUndefined();

    const after = anOrder(orderId, 2, "PAID");
    await cache.set(after);
    expect(await cache.get(orderId)).toEqual(after);
    expect(await redis.ttl(orderCacheKey(orderId))).toBeGreaterThan(0);
  });

  it("never replaces a newer copy, and a late invalidation for a version already cached leaves it", async () => {
    const orderId = `ord_${randomUUID()}`;
    const current = anOrder(orderId, 3, "PAID");
    await cache.set(current);
    await cache.set(anOrder(orderId, 2));
    await cache.invalidate(orderId, 3);
    await cache.invalidate(orderId, 2);
    expect(await cache.get(orderId)).toEqual(current);

    await cache.invalidate(orderId, 4);
    expect(await cache.get(orderId)).toBeUndefined();
    await cache.invalidate(orderId, 2); // an older marker does not lower the newer one
    await cache.set(current);
    expect(await cache.get(orderId)).toBeUndefined();
  });
});

describe("the order cache's effect on the cache hit rate", () => {
  it("counts no keyspace miss for an invalidation or a first write of an absent key, on a server of the test's own", async () => {
    const own = await startPrivateRedis();
    const client = own.client();
    const misses = () => redisInfoField(client, "stats", "keyspace_misses");
    try {
      const ownCache = redisOrderCache(client, createLogger({ service: "order-cache-test" }), 60);
      const before = await misses();
      await ownCache.invalidate(`ord_${randomUUID()}`, 2);
      await ownCache.set(anOrder(`ord_${randomUUID()}`, 1));
      expect(await misses()).toBe(before);
      // A reader that finds nothing is a miss, as it should be.
      expect(await ownCache.get(`ord_${randomUUID()}`)).toBeUndefined();
      expect(await misses()).toBe(before + 1);
    } finally {
      await own.stop();
    }
  });
});

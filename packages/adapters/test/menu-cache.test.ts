import { randomUUID } from "node:crypto";
import { createLogger } from "@cloudcafe/observability";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { menuCacheKeys, redisMenuCache } from "../src/menu/redis-menu-cache.ts";
import { redisInfoField } from "@cloudcafe/local/chaos/injectors/redis-eviction-pressure";
import { startPrivateRedis } from "@cloudcafe/local/testing/private-redis";

// The root test setup starts the local platform and puts its REDIS_URL in every test process's environment.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const database = `menu-cache-test-${randomUUID()}`;
const cache = redisMenuCache(redis, createLogger({ service: "menu-cache-test" }), database);

afterAll(async () => {
  const keys = await redis.keys(`{menu:${database}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("versioned menu cache on Redis", () => {
  it("keeps a read that loaded the menu before a sync from re-caching it where later readers look", async () => {
    const before = await cache.lookup("items:all");
    expect(before).toEqual({ value: undefined, version: 0 });
    // A sync lands while that reader is still loading; it then writes what it loaded, under the version it saw.
    await cache.invalidate();
    await cache.store("items:all", before.version!, "menu before the sync", 60);
    expect(await cache.lookup("items:all")).toEqual({ value: undefined, version: 1 });

    await cache.store("items:all", 1, "menu after the sync", 60);
    expect(await cache.lookup("items:all")).toEqual({ value: "menu after the sync", version: 1 });
    expect(await redis.ttl(menuCacheKeys(database).entry(1, "items:all"))).toBeGreaterThan(0);
    expect(await redis.ttl(menuCacheKeys(database).version)).toBe(-1);
  });
});

describe("the menu cache's effect on the cache hit rate", () => {
  it("counts a hit, not a miss, for the version of a menu never synced, on a server of the test's own", async () => {
    const own = await startPrivateRedis();
    const client = own.client();
    const misses = () => redisInfoField(client, "stats", "keyspace_misses");
    try {
      const ownCache = redisMenuCache(client, createLogger({ service: "menu-cache-test" }), database);
      await ownCache.store("items:all", 0, "the menu", 60);
      const before = await misses();
      expect(await ownCache.lookup("items:all")).toEqual({ value: "the menu", version: 0 });
      expect(await misses()).toBe(before);
      // An entry not cached yet is a miss, as it should be.
      expect(await ownCache.lookup("stores")).toEqual({ value: undefined, version: 0 });
      expect(await misses()).toBe(before + 1);
    } finally {
      await own.stop();
    }
  });
});

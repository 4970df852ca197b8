import type { Redis } from "ioredis";
import { cacheTtlSeconds } from "@cloudcafe/catalog";
import type { Order, OrderCache } from "@cloudcafe/core";
import type { Logger } from "@cloudcafe/observability";

export const orderCacheKey = (orderId: string) => `order:${orderId}`;

/**
 * A key holds either an order (JSON with its `version`) or, after an invalidation, a tombstone
 * `{"tombstone":true,"version":v}`: "copies older than v are stale". Both checks run inside Redis (Lua), so a
 * check and its write cannot interleave with another client's.
 */
const TOMBSTONE = (version: number) => JSON.stringify({ tombstone: true, version });

/**
 * Both scripts first write a key that is absent (SET NX looks the key up as a write, which Redis does not count in
 * keyspace_misses): only a key that is there is read and compared. A GET of the absent key would count a miss for
 * every invalidation and first write, and the cache's hit rate (ElastiCache's CacheHitRate, the cacheHitRate alarm)
 * would fall with each order placed though no reader missed anything.
 */
const SET_WHEN_ABSENT = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3]) then return 1 end";

/** KEYS[1] key; ARGV[1] order JSON, ARGV[2] its version, ARGV[3] TTL seconds. Writes unless the key holds the same
 * or a newer order, or a tombstone above this version. */
const SET_IF_NEWER = `
${SET_WHEN_ABSENT}
local current = redis.call('GET', KEYS[1])
if current then
  local ok, held = pcall(cjson.decode, current)
  if ok and type(held) == 'table' and tonumber(held.version) then
    local version = tonumber(ARGV[2])
    if held.tombstone then
      if version < tonumber(held.version) then return 0 end
    elseif version <= tonumber(held.version) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

/** KEYS[1] key; ARGV[1] tombstone JSON, ARGV[2] version, ARGV[3] TTL seconds. Keeps an order already at or past this
 * version and a higher tombstone; otherwise leaves the tombstone. */
const INVALIDATE_BELOW = `
${SET_WHEN_ABSENT}
local current = redis.call('GET', KEYS[1])
if current then
  local ok, held = pcall(cjson.decode, current)
  if ok and type(held) == 'table' and tonumber(held.version) and tonumber(held.version) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

type Cached = Order | { tombstone: true; version: number };

/**
 * Redis read-through cache of orders, version-checked (see `OrderCache`). Read/write failures degrade to misses;
 * invalidation failures throw, so the outbox retries them. Tombstones live as long as a cached copy would.
 */
export function redisOrderCache(redis: Redis, logger: Logger, ttlSeconds: number = cacheTtlSeconds.orderReadThrough): OrderCache {
  return {
    async get(orderId) {
      try {
        const value = await redis.get(orderCacheKey(orderId));
        if (!value) return undefined;
        const cached = JSON.parse(value) as Cached;
        return "tombstone" in cached ? undefined : cached;
      } catch (error) {
        logger.warn("order cache read failed; serving from the stores", { error, order_id: orderId });
        return undefined;
      }
    },
    async set(order) {
      try {
        await redis.eval(SET_IF_NEWER, 1, orderCacheKey(order.orderId), JSON.stringify(order), order.version, ttlSeconds);
      } catch (error) {
        logger.warn("order cache write failed", { error, order_id: order.orderId });
      }
    },
    async invalidate(orderId, version) {
      // A message written before invalidations carried versions: drop whatever is cached, as they used to.
      if (!Number.isInteger(version)) {
        await redis.del(orderCacheKey(orderId));
        return;
      }
      await redis.eval(INVALIDATE_BELOW, 1, orderCacheKey(orderId), TOMBSTONE(version), version, ttlSeconds);
    },
  };
}

import type { Redis } from "ioredis";
import { cacheTtlSeconds } from "@cloudcafe/catalog";
import type { Order, OrderCache } from "@cloudcafe/core";
import type { Logger } from "@cloudcafe/observability";

export const orderCacheKey = (orderId: string) => `order:${orderId}`;

/** Redis read-through cache of orders. Read/write failures degrade to misses; invalidation failures throw (outbox retries). */
export function redisOrderCache(redis: Redis, logger: Logger, ttlSeconds: number = cacheTtlSeconds.orderReadThrough): OrderCache {
  return {
    async get(orderId) {
      try {
        const value = await redis.get(orderCacheKey(orderId));
        return value ? (JSON.parse(value) as Order) : undefined;
      } catch (error) {
        logger.warn("order cache read failed; serving from the stores", { error, order_id: orderId });
        return undefined;
      }
    },
    async set(order) {
      try {
        await redis.set(orderCacheKey(order.orderId), JSON.stringify(order), "EX", ttlSeconds);
      } catch (error) {
        logger.warn("order cache write failed", { error, order_id: order.orderId });
      }
    },
    async invalidate(orderId) {
      await redis.del(orderCacheKey(orderId));
    },
  };
}

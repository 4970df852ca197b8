import type { MemoryDbClient } from "./memorydb-client.ts";
import type { RateLimiter } from "@cloudcafe/core";

/**
 * A token bucket in one Lua call, timed by the Redis server's clock so every replica of the service shares one
 * bucket and one time: refill by elapsed time up to capacity, take a token if there is one, else say when the next
 * one is due. The bucket expires once it would be full again, so idle buckets cost nothing.
 */
const TAKE = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {allowed, wait}
`;

export function redisRateLimiter(redis: MemoryDbClient, namespace: string): RateLimiter {
  return {
    async take(bucket, spec) {
      const [allowed, waitMs] = (await redis.eval(TAKE, 1, `${namespace}:bucket:{${bucket}}`, spec.capacity, spec.refillPerSecond)) as [number, number];
      return { allowed: allowed === 1, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)) };
    },
  };
}

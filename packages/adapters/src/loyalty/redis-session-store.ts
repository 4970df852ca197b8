import type { Redis } from "ioredis";
import type { SessionStore, StoredSession } from "@cloudcafe/core";

const KEY_PREFIX = "loyalty:session:";

/** Sessions as JSON strings with a TTL; a read renews it in the same command (GETEX), so expiry slides with use. */
export function redisSessionStore(redis: Redis): SessionStore {
  return {
    async save(key, session, ttlSeconds) {
      await redis.set(`${KEY_PREFIX}${key}`, JSON.stringify(session), "EX", ttlSeconds);
    },
    async renew(key, ttlSeconds) {
      const text = await redis.getex(`${KEY_PREFIX}${key}`, "EX", ttlSeconds);
      return text ? (JSON.parse(text) as StoredSession) : undefined;
    },
    async remove(key) {
      await redis.del(`${KEY_PREFIX}${key}`);
    },
  };
}

/** The Redis key a session is stored under (tests read its TTL). */
export const sessionRedisKey = (key: string) => `${KEY_PREFIX}${key}`;

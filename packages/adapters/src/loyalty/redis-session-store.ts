import type { Redis } from "ioredis";
import { AppError, type SessionStore, type StoredSession } from "@cloudcafe/core";

const KEY_PREFIX = "loyalty:session:";

/**
 * Redis is the sessions' store of record, not a cache: when it does not answer (the fail-fast client refuses commands
 * while disconnected) a session call is DEPENDENCY_UNAVAILABLE, a 503 with Retry-After, never a guess.
 */
async function store<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (cause) {
    throw new AppError("DEPENDENCY_UNAVAILABLE", "The session store is unavailable; retry shortly", { cause });
  }
}

/** Sessions as JSON strings with a TTL; a read renews it in the same command (GETEX), so expiry slides with use. */
export function redisSessionStore(redis: Redis): SessionStore {
  return {
    async save(key, session, ttlSeconds) {
      await store(() => redis.set(`${KEY_PREFIX}${key}`, JSON.stringify(session), "EX", ttlSeconds));
    },
    async renew(key, ttlSeconds) {
      const text = await store(() => redis.getex(`${KEY_PREFIX}${key}`, "EX", ttlSeconds));
      return text ? (JSON.parse(text) as StoredSession) : undefined;
    },
    async remove(key) {
      await store(() => redis.del(`${KEY_PREFIX}${key}`));
    },
  };
}

/** The Redis key a session is stored under (tests read its TTL). */
export const sessionRedisKey = (key: string) => `${KEY_PREFIX}${key}`;

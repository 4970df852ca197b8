import { Redis } from "ioredis";
import { z } from "zod";
import type { FaultInjector } from "../injector.ts";

/**
 * `elasticache-flush` locally: FLUSHDB of the platform's cache database (the one `cacheUrl` selects, `/0` when it
 * names none) and never FLUSHALL: other databases of the shared Redis are someone else's. Nothing to revert: the
 * cache refills as entries are read again, which is the recovery the game day measures.
 */
export function elasticacheFlushInjector(options: { readonly cacheUrl: string }): FaultInjector {
  return {
    parameters: z.object({}).strict(),
    async inject() {
      const redis = new Redis(options.cacheUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
      try {
        await redis.connect();
        const keys = await redis.dbsize();
        await redis.flushdb();
        const database = Number(new URL(options.cacheUrl).pathname.slice(1) || 0);
        return { effect: { database, keysFlushed: keys }, revert: async () => {} };
      } finally {
        redis.disconnect();
      }
    },
  };
}

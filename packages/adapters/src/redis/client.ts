import { Redis } from "ioredis";
import { z } from "zod";
import { isLocalHost } from "../sst/service-config.ts";

/** A Redis link (`Cache`: ElastiCache; MemoryDB links have the same shape). */
export const cacheLink = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int(),
  username: z.string().optional(),
  password: z.string().optional(),
});

export interface CacheConnection {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  /** ElastiCache with in-transit encryption (as deployed) requires TLS. */
  tls: boolean;
}

export function cacheConnection(link: z.output<typeof cacheLink>): CacheConnection {
  return { ...link, tls: !isLocalHost(link.host) };
}

/**
 * A cache client that fails fast: no offline queue and a short command timeout, so a Redis outage
 * turns into cache misses within milliseconds instead of stalling requests.
 */
export function createRedis(connection: CacheConnection | string): Redis {
  const options = {
    enableOfflineQueue: false,
    commandTimeout: 250,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  };
  if (typeof connection === "string") return new Redis(connection, options);
  return new Redis({
    ...options,
    host: connection.host,
    port: connection.port,
    ...(connection.username ? { username: connection.username } : {}),
    ...(connection.password ? { password: connection.password } : {}),
    ...(connection.tls ? { tls: {} } : {}),
  });
}

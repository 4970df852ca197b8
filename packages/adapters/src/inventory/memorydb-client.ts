import { Cluster, Redis } from "ioredis";
import { z } from "zod";
import { cacheLink, cacheConnection, createRedis, type CacheConnection } from "../redis/client.ts";
import { presignedToken } from "../aws/sigv4-request-signer.ts";

/** The `InventoryCounters` link: a Redis link, plus the MemoryDB cluster's name when its user authenticates with IAM. */
export const memoryDbLink = cacheLink.extend({ clusterName: z.string().min(1).optional() });

export interface MemoryDbConnection extends CacheConnection {
  /** Set when deployed: the cluster (MemoryDB is always cluster-mode) and its IAM-authenticated user. */
  iam?: { clusterName: string; region: string } | undefined;
}

export function memoryDbConnection(link: z.output<typeof memoryDbLink>, region: string): MemoryDbConnection {
  const connection = cacheConnection(link);
  return link.clusterName && link.username && connection.tls ? { ...connection, iam: { clusterName: link.clusterName, region } } : connection;
}

export type MemoryDbClient = Redis | Cluster;

/** IAM tokens are good for 15 minutes; each new connection takes a fresh one, so one is kept a little younger. */
const TOKEN_REFRESH_MS = 10 * 60 * 1000;

/**
 * The MemoryDB client: locally a plain Redis client (the stand-in is one redis-server); deployed, a cluster client over
 * TLS whose user authenticates with an IAM token (a SigV4-presigned `connect` request for the cluster and user, as
 * "Authenticating with IAM" in the MemoryDB guide describes), renewed for the connections opened later.
 */
export async function createMemoryDb(connection: MemoryDbConnection): Promise<MemoryDbClient> {
  if (!connection.iam) return createRedis(connection);
  const { clusterName, region } = connection.iam;
  const username = connection.username!;
  const token = () => presignedToken({ service: "memorydb", region, host: clusterName, query: { Action: "connect", User: username }, expiresInSeconds: 900 });
  const cluster = new Cluster([{ host: connection.host, port: connection.port }], {
    // TLS certificates name the cluster's endpoints, not the node addresses the cluster reports.
    dnsLookup: (address, callback) => callback(null, address),
    enableOfflineQueue: false,
    slotsRefreshTimeout: 2_000,
    redisOptions: { username, password: await token(), tls: {}, connectTimeout: 1_000, commandTimeout: 250, maxRetriesPerRequest: 1 },
  });
  const refresh = setInterval(() => {
    token().then(
      (fresh) => {
        cluster.options.redisOptions = { ...cluster.options.redisOptions, password: fresh };
      },
      () => undefined,
    );
  }, TOKEN_REFRESH_MS);
  refresh.unref();
  cluster.on("end", () => clearInterval(refresh));
  return cluster;
}

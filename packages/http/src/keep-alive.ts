/**
 * How long an idle keep-alive connection stays open: longer than the load balancer's idle timeout (an ALB's is 60 s
 * by default), as AWS recommends, so the balancer, never the service, closes an idle connection; a service that closes
 * first (Node's default is 5 s) races the balancer's next request on that connection and it gets a 502. The local
 * gateway's checks and proxied requests reuse their connections for the same reason.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Keeps `server`'s idle connections open `KEEP_ALIVE_TIMEOUT_MS` (an HTTP/1 server; others are left as they are). */
export function keepConnectionsAlive<T extends object>(server: T): T {
  if ("keepAliveTimeout" in server && "headersTimeout" in server) {
    Object.assign(server, {
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // A request's headers must be allowed to arrive on a connection kept that long (Node requires headersTimeout > keepAliveTimeout).
      headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 1_000,
    });
  }
  return server;
}

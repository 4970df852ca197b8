import { serve } from "@hono/node-server";
import type { Logger } from "@cloudcafe/observability";
import { keepConnectionsAlive } from "./keep-alive.ts";

export interface ServeOptions {
  /** The service's app (anything with Hono's `fetch`). */
  app: { fetch: (request: Request) => Response | Promise<Response> };
  port: number;
  /** Every interface in a container or pod, 127.0.0.1 on the laptop (the service's config, `HOST`). */
  hostname: string;
  logger: Logger;
  /** Its name in the start and stop log lines (`menu service`). */
  name: string;
  /** Releases what the process holds (stress pool, connections) once the server stops taking requests. */
  close: () => Promise<void>;
}

/** Listens on `port` with keep-alive connections that outlast the load balancer's; `onListening` gets the bound port. */
export function startHttpServer(options: Pick<ServeOptions, "app" | "port" | "hostname">, onListening?: (port: number) => void) {
  return keepConnectionsAlive(serve({ fetch: options.app.fetch, port: options.port, hostname: options.hostname }, (info) => onListening?.(info.port)));
}

/** The container or pod entry's HTTP server: listens on `port`, and on SIGTERM or SIGINT stops accepting, closes, exits. */
export function serveUntilStopped(options: ServeOptions): void {
  const server = startHttpServer(options, (port) => options.logger.info(`${options.name} listening`, { port }));
  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    options.logger.info(`${options.name} stopping`, { signal });
    server.close();
    await options.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Logger } from "@cloudcafe/observability";
import { createOpsApp } from "./ops-app.ts";
import type { MetricsSink } from "./sink.ts";
import { keepConnectionsAlive } from "@cloudcafe/http";

export interface RunningOpsServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** The ops API on its own local port (0: any free one), for the gateway's `/api/ops` rule to route to. */
export async function startOpsServer(sink: MetricsSink, options: { port: number; logger: Logger; now?: () => number }): Promise<RunningOpsServer> {
  const app = createOpsApp(sink, { logger: options.logger, ...(options.now ? { now: options.now } : {}) });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = keepConnectionsAlive(serve({ fetch: app.fetch, port: options.port, hostname: "127.0.0.1" }, () => resolve(started)));
    started.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Logger } from "@cloudcafe/observability";
import type { ChaosControlPlane } from "./control-plane.ts";
import { ACTIVE_FAULTS_DOCUMENT_PATH, createChaosApp } from "./routes.ts";
import { keepConnectionsAlive } from "@cloudcafe/http";

export interface RunningChaosServer {
  readonly url: string;
  /** What the platform's processes read their application faults from (CLOUDCAFE_FAULTS_URL). */
  readonly faultsDocumentUrl: string;
  stop(): Promise<void>;
}

/** The control plane's HTTP API on its own local port (the gateway routes /api/chaos to it). */
export async function startChaosServer(options: {
  readonly controlPlane: ChaosControlPlane;
  readonly operatorToken: string | undefined;
  readonly logger: Logger;
  readonly port: number;
  readonly host?: string;
}): Promise<RunningChaosServer> {
  const app = createChaosApp(options);
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = keepConnectionsAlive(serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(started)));
    started.once("error", reject);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    faultsDocumentUrl: `${url}${ACTIVE_FAULTS_DOCUMENT_PATH}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

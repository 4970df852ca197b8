import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createMenuApp } from "@cloudcafe/menu/app";
import { loadMenuServiceConfig } from "@cloudcafe/menu/config";
import { createMenuRuntime } from "@cloudcafe/menu/runtime";

export interface RunningMenuService {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The Menu service the order service prices from, served over HTTP from this test process on a free port, on this
 * run's DocumentDB database and Redis, with the starter menu. `MENU_SERVICE_URL` is set to it, so order runtimes
 * created afterwards (and processes started with this environment) price from it.
 */
export async function startMenuService(): Promise<RunningMenuService> {
  const runtime = createMenuRuntime(loadMenuServiceConfig());
  await runtime.prepare();
  const app = createMenuApp(runtime);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve({ server: started, port: info.port }));
  });
  const url = `http://127.0.0.1:${port}`;
  process.env.MENU_SERVICE_URL = url;
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise((resolve) => server.close(resolve));
      await runtime.close();
    },
  };
}

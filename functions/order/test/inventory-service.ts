import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createInventoryApp } from "@cloudcafe/inventory/app";
import { loadInventoryServiceConfig } from "@cloudcafe/inventory/config";
import { createInventoryRuntime } from "@cloudcafe/inventory/runtime";

export interface RunningInventoryService {
  readonly url: string;
  readonly table: string;
  stop(): Promise<void>;
}

/**
 * The Inventory service the order flow reserves stock with, served over HTTP from this test process on a free port,
 * on this run's table and MemoryDB (with the starter stores' stock where the table has none, when asked).
 * `INVENTORY_SERVICE_URL` is set to it, so order runtimes created afterwards reserve stock with it.
 */
export async function startInventoryService(options: { loadStarterStock?: boolean } = {}): Promise<RunningInventoryService> {
  const runtime = await createInventoryRuntime({ ...loadInventoryServiceConfig(), loadStarterStock: options.loadStarterStock ?? false });
  await runtime.prepare();
  const app = createInventoryApp(runtime);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve({ server: started, port: info.port }));
  });
  const url = `http://127.0.0.1:${port}`;
  process.env.INVENTORY_SERVICE_URL = url;
  return {
    url,
    table: runtime.config.table,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await runtime.close();
    },
  };
}

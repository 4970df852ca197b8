import { serveUntilStopped } from "@cloudcafe/http";
import { createInventoryApp } from "./app.ts";
import { createInventoryRuntime } from "./runtime.ts";
import { createInventoryStress } from "./routes/stress.ts";

/** Pod entry (EKS): HTTP on PORT, the reservation sweeper and the stress control, once the starter stock is in place; drains on SIGTERM. */
const runtime = await createInventoryRuntime();
await runtime.prepare();
const stress = createInventoryStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
runtime.sweeper.start();

serveUntilStopped({
  app: createInventoryApp({ ...runtime, stressRoutes: stress.routes }),
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "inventory service",
  async close() {
    await stress.close();
    await runtime.close();
  },
});

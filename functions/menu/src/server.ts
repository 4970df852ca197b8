import { serveUntilStopped } from "@cloudcafe/http";
import { createMenuApp } from "./app.ts";
import { createMenuRuntime } from "./runtime.ts";
import { createMenuStress } from "./routes/stress.ts";

/** Pod entry (EKS): HTTP on PORT and the stress control, once the indexes and the starter menu are in place; drains on SIGTERM. */
const runtime = createMenuRuntime();
await runtime.prepare();
const stress = createMenuStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);

serveUntilStopped({
  app: createMenuApp({ ...runtime, stressRoutes: stress.routes }),
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "menu service",
  async close() {
    await stress.close();
    await runtime.close();
  },
});

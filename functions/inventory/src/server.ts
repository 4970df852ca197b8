import { latticeTargetRegistration } from "@cloudcafe/adapters";
import { serveUntilStopped } from "@cloudcafe/http";
import { createInventoryApp } from "./app.ts";
import { createInventoryRuntime } from "./runtime.ts";
import { createInventoryStress } from "./routes/stress.ts";

/**
 * Pod entry (EKS): HTTP on PORT, the reservation sweeper and the stress control, once the starter stock is in place;
 * deployed, the pod also puts itself in the VPC Lattice target group the order flow calls. Drains on SIGTERM.
 */
const runtime = await createInventoryRuntime();
await runtime.prepare();
const stress = createInventoryStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
const { lattice } = runtime.config;
const registration = lattice ? latticeTargetRegistration({ ...lattice, port: runtime.config.port }) : undefined;
runtime.sweeper.start();

serveUntilStopped({
  app: createInventoryApp({ ...runtime, stressRoutes: stress.routes }),
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "inventory service",
  async close() {
    await registration?.deregister().catch((error: unknown) => runtime.logger.warn("could not leave the VPC Lattice target group", { error }));
    await stress.close();
    await runtime.close();
  },
});
await registration?.register();

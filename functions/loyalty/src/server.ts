import { serveUntilStopped } from "@cloudcafe/http";
import { createLoyaltyApp } from "./app.ts";
import { startLocalTierSchedule } from "./jobs/local-schedule.ts";
import { createLoyaltyRuntime } from "./runtime.ts";
import { createLoyaltyStress } from "./routes/stress.ts";

/**
 * Instance entry (EC2 behind the NLB, under systemd): HTTP on PORT, the stress control, and where the interval is set
 * (the laptop) the hourly tier recalculation; a fresh local database is seeded first. Drains on SIGTERM.
 */
const runtime = createLoyaltyRuntime();
await runtime.prepare();
const stress = createLoyaltyStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
const schedule = startLocalTierSchedule(runtime.recalculation, runtime.config.batch.intervalMs, runtime.logger);

serveUntilStopped({
  app: createLoyaltyApp({ ...runtime, stressRoutes: stress.routes }),
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "loyalty service",
  async close() {
    schedule.stop();
    await stress.close();
    await runtime.close();
  },
});

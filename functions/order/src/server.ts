import { serveUntilStopped } from "@cloudcafe/http";
import { createOrderApp } from "./app.ts";
import { loadOrderServiceConfig } from "./config.ts";
import { createOrderRuntime } from "./runtime.ts";
import { createOrderStress } from "./routes/stress.ts";

/** Container entry (ECS Fargate): HTTP on PORT, the outbox relay loop and the stress control; drains on SIGTERM. */
const config = loadOrderServiceConfig();
const runtime = createOrderRuntime(config, { outboxDispatch: "background", cacheFaults: config.cacheFaultAgent });
const stress = createOrderStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
const app = createOrderApp({
  service: runtime.service,
  logger: runtime.logger,
  metrics: runtime.metrics,
  checks: runtime.checks,
  stressRoutes: stress.routes,
  operatorToken: runtime.config.operatorToken,
  inbox: runtime.inbox,
});
runtime.relay.start(runtime.config.outboxRelayIntervalMs, runtime.config.outboxRelayMaxIdleIntervalMs);

serveUntilStopped({
  app,
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "order service",
  async close() {
    await stress.close();
    await runtime.close();
  },
});

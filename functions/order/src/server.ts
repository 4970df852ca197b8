import { serve } from "@hono/node-server";
import { createOrderApp } from "./app.ts";
import { createOrderRuntime } from "./runtime.ts";
import { createOrderStress } from "./routes/stress.ts";

/** Container entry (ECS Fargate): HTTP on PORT, the outbox relay loop and the stress control; drains on SIGTERM. */
const runtime = createOrderRuntime(undefined, { outboxDispatch: "background" });
const stress = createOrderStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
const app = createOrderApp({
  service: runtime.service,
  logger: runtime.logger,
  metrics: runtime.metrics,
  checks: runtime.checks,
  stressRoutes: stress.routes,
});
runtime.relay.start(runtime.config.outboxRelayIntervalMs);

const server = serve({ fetch: app.fetch, port: runtime.config.port, hostname: process.env.HOST ?? "0.0.0.0" }, (info) =>
  runtime.logger.info("order service listening", { port: info.port }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.logger.info("order service stopping", { signal });
  server.close();
  await stress.close();
  await runtime.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

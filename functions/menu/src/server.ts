import { serve } from "@hono/node-server";
import { createMenuApp } from "./app.ts";
import { createMenuRuntime } from "./runtime.ts";
import { createMenuStress } from "./routes/stress.ts";

/** Pod entry (EKS): HTTP on PORT and the stress control, once the indexes and the starter menu are in place; drains on SIGTERM. */
const runtime = createMenuRuntime();
await runtime.prepare();
const stress = createMenuStress(runtime.config.operatorToken, runtime.config.stressWorkerFile);
const app = createMenuApp({
  service: runtime.service,
  logger: runtime.logger,
  metrics: runtime.metrics,
  checks: runtime.checks,
  operatorToken: runtime.config.operatorToken,
  bodyLimitBytes: runtime.config.syncBodyLimitBytes,
  extraRoutes: stress.routes,
});

const server = serve({ fetch: app.fetch, port: runtime.config.port, hostname: process.env.HOST ?? "0.0.0.0" }, (info) =>
  runtime.logger.info("menu service listening", { port: info.port }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.logger.info("menu service stopping", { signal });
  server.close();
  await stress.close();
  await runtime.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

import { serveUntilStopped } from "@cloudcafe/http";
import { createAnalyticsApp } from "./app.ts";
import { createAnalyticsApiRuntime } from "./runtime.ts";

/** Local entry of the read API (`npm start`, behind the gateway); deployed, the same app runs as lambda.ts. */
const runtime = createAnalyticsApiRuntime();
// The worker creates the tables too; until either has, reads answer 503 rather than the server not starting.
runtime.warehouse.prepare().catch((error: unknown) => runtime.logger.error("could not create the analytics tables", { error }));
serveUntilStopped({
  app: createAnalyticsApp(runtime),
  port: runtime.config.port,
  hostname: runtime.config.host,
  logger: runtime.logger,
  name: "analytics service",
  async close() {
    runtime.close();
  },
});

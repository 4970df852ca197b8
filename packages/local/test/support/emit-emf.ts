/**
 * A child process for the metrics sink's tests: writes what a service writes, through the real logger and metrics
 * (one log line, then `count` EMF documents of `CloudCafe/SinkTest` `Probe`, valued 1..count), then exits.
 */
import { createLogger, createMetrics, withContext } from "@cloudcafe/observability";

const count = Number(process.argv[2] ?? "3");
const logger = createLogger({ service: "sink-test-child" });
const metrics = createMetrics({ namespace: "CloudCafe/SinkTest", service: "sink-test-child" });
withContext({ traceId: "0af7651916cd43dd8448eb211c80319c" }, () => {
  logger.info("child started", { count });
  for (let value = 1; value <= count; value++) metrics.put("Probe", value, "Milliseconds", { route: "/probe" });
});

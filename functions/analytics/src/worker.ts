import { startAnalyticsWorkerRuntime } from "./runtime.ts";

/**
 * The Analytics worker entry: one long-running process (systemd with restart on the EC2 instance, a child of
 * `npm start` locally). SIGTERM or SIGINT hands its leases over gracefully; a crash is resumed from the checkpoints.
 */
const { worker, logger, close } = startAnalyticsWorkerRuntime();
logger.info("analytics worker started");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info("stopping analytics worker", { signal });
  void worker.stop().finally(() => {
    close();
    process.exit(0);
  });
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
worker.stopped.catch((error: unknown) => {
  logger.error("analytics worker failed", { error });
  process.exit(1);
});

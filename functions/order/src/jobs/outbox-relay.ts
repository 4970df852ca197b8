import { withContext, newTraceId } from "@cloudcafe/observability";
import { sharedOrderRuntime } from "../runtime.ts";

/**
 * Scheduled (every minute) in AWS: delivers outbox rows the request path could not, reports the backlog, and deletes
 * the rows delivered longer ago than the retention.
 */
export const handler = async () => {
  const runtime = sharedOrderRuntime();
  return withContext({ traceId: newTraceId() }, async () => {
    const result = await runtime.relay.drain();
    const backlog = await runtime.relay.reportBacklog();
    const pruned = await runtime.relay.prune();
    runtime.logger.info("outbox relay pass", { ...result, ...backlog, pruned });
    return { ...result, ...backlog, pruned };
  });
};

import { withContext, newTraceId } from "@cloudcafe/observability";
import { sharedOrderRuntime } from "../runtime.ts";

/** Scheduled (every minute) in AWS: delivers outbox rows the request path could not, and reports the backlog. */
export const handler = async () => {
  const runtime = sharedOrderRuntime();
  return withContext({ traceId: newTraceId() }, async () => {
    const result = await runtime.relay.drain();
    const backlog = await runtime.relay.reportBacklog();
    runtime.logger.info("outbox relay pass", { ...result, ...backlog });
    return { ...result, ...backlog };
  });
};

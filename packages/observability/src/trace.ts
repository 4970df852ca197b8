import { randomBytes } from "node:crypto";

/** W3C trace context header; the trace id is its second field. */
export const TRACEPARENT_HEADER = "traceparent";
/** SQS message attribute and Kinesis envelope field carrying the same value across async hops. */
export const TRACEPARENT_ATTRIBUTE = "traceparent";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

function newSpanId(): string {
  return randomBytes(8).toString("hex");
}

/** Builds a traceparent for an outgoing hop: same trace, new span. */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${newSpanId()}-01`;
}

/** Reads the trace id from a traceparent value; undefined when absent or malformed. */
export function traceIdFrom(traceparent: string | undefined | null): string | undefined {
  if (!traceparent) return undefined;
  return TRACEPARENT.exec(traceparent.trim().toLowerCase())?.[1];
}

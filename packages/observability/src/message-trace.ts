import { TRACEPARENT_ATTRIBUTE, newTraceId, traceIdFrom } from "./trace.ts";

/** The part of a Lambda SQS record (or an SNS-raw-delivered one) that carries trace context. */
export interface RecordWithAttributes {
  messageAttributes?: Record<string, { stringValue?: string | undefined } | undefined>;
}

/** Trace id from a record's `traceparent` message attribute; a fresh one when the producer sent none. */
export function traceIdOfRecord(record: RecordWithAttributes): string {
  return traceIdFrom(record.messageAttributes?.[TRACEPARENT_ATTRIBUTE]?.stringValue) ?? newTraceId();
}

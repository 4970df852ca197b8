import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import { TRACEPARENT_ATTRIBUTE, currentContext, newTraceId, traceparentFor } from "@cloudcafe/observability";

/** The current trace as an SQS/SNS message attribute, so the consumer's logs share the trace id. */
export function traceAttributes(): Record<string, MessageAttributeValue> {
  const traceId = currentContext().traceId ?? newTraceId();
  return { [TRACEPARENT_ATTRIBUTE]: { DataType: "String", StringValue: traceparentFor(traceId) } };
}

/** The current trace for a Kinesis record envelope (Kinesis records have no attributes). */
export function traceparentNow(): string {
  return traceparentFor(currentContext().traceId ?? newTraceId());
}

import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { createMockPaymentGateway, sqsClient } from "@cloudcafe/adapters";
import type { ChargeRequest, PaymentGateway, PaymentRequested } from "@cloudcafe/core";
import { createLogger, createMetrics, newTraceId, traceparentFor, type Logger, type Metrics } from "@cloudcafe/observability";
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";
import type { QueueRef } from "./local-aws.ts";

const hex = () => randomUUID().replaceAll("-", "");

export const newCustomerId = () => `cust-${hex().slice(0, 12)}`;

export function paymentRequest(overrides: Partial<PaymentRequested> = {}): PaymentRequested {
  return { type: "PaymentRequested", orderId: `ord_${hex()}`, customerId: newCustomerId(), amountCents: 450, currency: "USD", ...overrides };
}

/** Sends a request the way the order service does: grouped by customer, trace in the `traceparent` attribute. */
export async function sendPaymentRequest(queue: QueueRef, body: PaymentRequested | string, groupId?: string) {
  const traceId = newTraceId();
  const customerId = groupId ?? (typeof body === "string" ? newCustomerId() : body.customerId);
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: typeof body === "string" ? body : JSON.stringify(body),
      MessageGroupId: customerId,
      MessageAttributes: { traceparent: { DataType: "String", StringValue: traceparentFor(traceId) } },
    }),
  );
  return { traceId, customerId };
}

/** The configured mock gateway (no latency, no random outcomes), recording every charge attempt. */
export function countingGateway(gateway: PaymentGateway = createMockPaymentGateway({ latencyMs: 0, jitterMs: 0, declineRate: 0, failureRate: 0 })) {
  const charges: ChargeRequest[] = [];
  const counting: PaymentGateway = {
    charge(request) {
      charges.push(request);
      return gateway.charge(request);
    },
  };
  return { gateway: counting, charges };
}

export type Line = Record<string, unknown>;

/** A logger and metrics writer whose JSON lines land in arrays instead of stdout. */
export function capturedTelemetry(): { logger: Logger; metrics: Metrics; logs: Line[]; emitted: Line[] } {
  const logs: Line[] = [];
  const emitted: Line[] = [];
  return {
    logger: createLogger({ service: "payment-processor", level: "DEBUG", write: (line) => logs.push(JSON.parse(line) as Line) }),
    metrics: createMetrics({ namespace: "test", service: "payment-processor", write: (line) => emitted.push(JSON.parse(line) as Line) }),
    logs,
    emitted,
  };
}

/** Values of one metric, in emission order. */
export const metricValues = (emitted: Line[], name: string) => emitted.filter((line) => name in line).map((line) => line[name]);

export interface SqsRecordInput {
  body: string;
  /** System attributes as SQS returns them (MessageGroupId, ApproximateReceiveCount, ...). */
  system: Record<string, string>;
  /** String message attributes (e.g. traceparent). */
  attributes?: Record<string, string>;
  messageId?: string;
  receiptHandle?: string;
  queueArn?: string;
}

/** An SQS record as Lambda's event source mapping hands it to the function. */
export function sqsRecord(input: SqsRecordInput): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(input.attributes ?? {})) {
    messageAttributes[name] = { dataType: "String", stringValue: value, stringListValues: [], binaryListValues: [] };
  }
  return {
    messageId: input.messageId ?? randomUUID(),
    receiptHandle: input.receiptHandle ?? randomUUID(),
    body: input.body,
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()), ...input.system } as unknown as SQSRecordAttributes,
    messageAttributes,
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: input.queueArn ?? "arn:aws:sqs:us-east-1:000000000000:payment-processing-queue.fifo",
    awsRegion: process.env.AWS_REGION ?? "us-east-1",
  };
}

/** A record of `request` in its customer's message group, as the FIFO queue would deliver it. */
export const paymentRecord = (request: PaymentRequested): SQSRecord =>
  sqsRecord({
    body: JSON.stringify(request),
    system: { MessageGroupId: request.customerId },
    attributes: { traceparent: traceparentFor(newTraceId()) },
  });

import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { mockPaymentGateway, sqsClient } from "@cloudcafe/adapters";
import { queues } from "@cloudcafe/catalog";
import type { ChargeRequest, RefundRequest, PaymentGateway, PaymentRequested } from "@cloudcafe/core";
import { createLogger, createMetrics, newTraceId, traceparentFor, type Logger, type Metrics } from "@cloudcafe/observability";
import { localRegion } from "@cloudcafe/local/aws-clients";
import { sqsRecord } from "@cloudcafe/local/event-source/sqs-event";
import type { SQSRecord } from "aws-lambda";
import type { QueueRef } from "./event-source.ts";

const hex = () => randomUUID().replaceAll("-", "");

export const newCustomerId = () => `cust-${hex().slice(0, 12)}`;

/**
 * A body that is not JSON. Unique per call: the FIFO queue deduplicates by content, so a repeated body sent
 * within five minutes would never arrive.
 */
export const poisonBody = () => `{not json ${hex()}`;

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

/** The configured mock gateway (no latency, no random outcomes), recording every charge and refund attempt. */
export function countingGateway(gateway: PaymentGateway = mockPaymentGateway({ latencyMs: 0, jitterMs: 0, declineRate: 0, failureRate: 0 })) {
  const charges: ChargeRequest[] = [];
  const refunds: RefundRequest[] = [];
  const counting: PaymentGateway = {
    charge(request) {
      charges.push(request);
      return gateway.charge(request);
    },
    refund(request) {
      refunds.push(request);
      return gateway.refund(request);
    },
  };
  return { gateway: counting, charges, refunds };
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

/** A record of `request` in its customer's message group, as Lambda's event source hands it over. */
export const paymentRecord = (request: PaymentRequested): SQSRecord =>
  sqsRecord(
    {
      MessageId: randomUUID(),
      ReceiptHandle: randomUUID(),
      Body: JSON.stringify(request),
      Attributes: { MessageGroupId: request.customerId, ApproximateReceiveCount: "1" },
      MessageAttributes: { traceparent: { DataType: "String", StringValue: traceparentFor(newTraceId()) } },
    },
    `arn:aws:sqs:${localRegion}:000000000000:${queues.paymentProcessing.name}`,
    localRegion,
  );

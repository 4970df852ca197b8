import { createHash } from "node:crypto";
import type { SQSEvent } from "aws-lambda";
import type { PaymentRequested } from "@cloudcafe/core";
import { queues } from "@cloudcafe/catalog";
import { SYNTHETIC_ORDER_PREFIX } from "@cloudcafe/core";

/**
 * The SQS event the payment processor receives from `payment-processing-queue.fifo`: one PaymentRequested per
 * record, grouped by customer as the FIFO queue requires. The orders are synthetic: their results reach the
 * payment-results topic marked so, and the order and notification subscriptions leave them out.
 */
export function paymentRequestedEvent(index: number, recordsPerEvent = 1): SQSEvent {
  return {
    Records: Array.from({ length: recordsPerEvent }, (_, offset) => {
      const orderNumber = index * recordsPerEvent + offset;
      const customerId = `avalanche-customer-${orderNumber % 1000}`;
      const message: PaymentRequested = {
        type: "PaymentRequested",
        orderId: `${SYNTHETIC_ORDER_PREFIX}avalanche-order-${orderNumber}`,
        customerId,
        amountCents: 350 + (orderNumber % 2000),
        currency: "USD",
      };
      const body = JSON.stringify(message);
      const now = String(Date.now());
      return {
        messageId: `avalanche-${orderNumber}`,
        receiptHandle: `avalanche-receipt-${orderNumber}`,
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: now,
          SenderId: "cloudcafe-stress",
          ApproximateFirstReceiveTimestamp: now,
          MessageGroupId: customerId,
          MessageDeduplicationId: `avalanche-${orderNumber}`,
          SequenceNumber: String(orderNumber),
        },
        messageAttributes: {},
        md5OfBody: createHash("md5").update(body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queues.paymentProcessing.name}`,
        awsRegion: "us-east-1",
      };
    }),
  };
}

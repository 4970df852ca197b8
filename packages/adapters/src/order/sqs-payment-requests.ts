import type { SQSClient } from "@aws-sdk/client-sqs";
import type { PaymentRequestSender } from "@cloudcafe/core";
import { sqsBatchSender } from "../aws/sqs-batch-sender.ts";
import { traceAttributes } from "../aws/trace-attributes.ts";

/**
 * Payment requests go to the FIFO queue grouped by customer; the deterministic body lets content-based dedup drop
 * resends. Requests sent together (the validation step's batch of submissions) share one SendMessageBatch.
 */
export function sqsPaymentRequests(client: SQSClient, queueUrl: string): PaymentRequestSender {
  const send = sqsBatchSender(client, queueUrl);
  return {
    async send(request) {
      await send({ MessageBody: JSON.stringify(request), MessageGroupId: request.customerId, MessageAttributes: traceAttributes() });
    },
  };
}

import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { PaymentRequestSender } from "@cloudcafe/core";
import { traceAttributes } from "../aws/trace-attributes.ts";

/** Payment requests go to the FIFO queue grouped by customer; the deterministic body lets content-based dedup drop resends. */
export function sqsPaymentRequests(client: SQSClient, queueUrl: string): PaymentRequestSender {
  return {
    async send(request) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(request),
          MessageGroupId: request.customerId,
          MessageAttributes: traceAttributes(),
        }),
      );
    },
  };
}

import type { SQSClient } from "@aws-sdk/client-sqs";
import type { OrderSubmitted } from "@cloudcafe/core";
import { sqsBatchSender } from "../aws/sqs-batch-sender.ts";
import { traceAttributes } from "../aws/trace-attributes.ts";

/**
 * Accepted orders go to `order-submission-queue` for the validation step, with the trace as message attributes;
 * submissions sent together (a relay pass over many orders) share one SendMessageBatch.
 */
export function sqsOrderSubmissions(client: SQSClient, queueUrl: string) {
  const send = sqsBatchSender(client, queueUrl);
  return {
    async submit(message: OrderSubmitted): Promise<void> {
      await send({ MessageBody: JSON.stringify(message), MessageAttributes: traceAttributes() });
    },
  };
}

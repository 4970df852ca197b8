import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderSubmitted } from "@cloudcafe/core";
import { traceAttributes } from "../aws/trace-attributes.ts";

/** Accepted orders go to `order-submission-queue` for the validation step, with the trace as message attributes. */
export function sqsOrderSubmissions(client: SQSClient, queueUrl: string) {
  return {
    async submit(message: OrderSubmitted): Promise<void> {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), MessageAttributes: traceAttributes() }),
      );
    },
  };
}

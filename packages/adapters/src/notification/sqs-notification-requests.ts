import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OrderReady } from "@cloudcafe/core";
import { traceAttributes } from "../aws/trace-attributes.ts";

/** Order milestones the order service reaches itself go to `notification-queue`, with the trace as attributes. */
export function sqsNotificationRequests(client: SQSClient, queueUrl: string) {
  return {
    async send(message: OrderReady): Promise<void> {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), MessageAttributes: traceAttributes() }));
    },
  };
}

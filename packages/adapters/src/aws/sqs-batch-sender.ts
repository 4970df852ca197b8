import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import { microBatcher } from "./micro-batch.ts";

/** SendMessageBatch takes up to 10 messages ("Amazon SQS API Reference", SendMessageBatch). */
const MAX_MESSAGES_PER_BATCH = 10;

export type SqsMessage = Omit<SendMessageBatchRequestEntry, "Id">;

/**
 * Messages sent to one queue in the same turn of the event loop share a SendMessageBatch; each send resolves or fails
 * with its own entry's result. On a FIFO queue each entry keeps its group and content-based deduplication.
 */
export function sqsBatchSender(client: SQSClient, queueUrl: string): (message: SqsMessage) => Promise<void> {
  return microBatcher<SqsMessage, void>(async (messages) => {
    const { Failed = [] } = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((message, i) => ({ ...message, Id: String(i) })) }),
    );
    const failed = new Map(Failed.map((entry) => [entry.Id, entry]));
    return messages.map((_, i) => {
      const failure = failed.get(String(i));
      return failure ? { error: Object.assign(new Error(`${failure.Code}: ${failure.Message ?? ""}`), { name: failure.Code ?? "SendMessageBatchFailure" }) } : { ok: undefined };
    });
  }, MAX_MESSAGES_PER_BATCH);
}

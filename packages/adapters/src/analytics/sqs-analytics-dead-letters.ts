import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { traceAttributes } from "../aws/trace-attributes.ts";

/** What could not be counted and why: a record that is not an analytics event, or one past the allowed lateness. */
export interface AnalyticsDeadLetter {
  reason: "poison" | "too-late" | "unconvertible";
  detail: string;
  /** Where it came from: stream, shard and sequence number. */
  source: { stream: string; shardId: string; sequenceNumber: string };
  /** The record's data as text (cut at 200 KB: an SQS message is at most 256 KiB). */
  data: string;
}

export interface AnalyticsDeadLetters {
  send(letter: AnalyticsDeadLetter): Promise<void>;
}

const MAX_DATA_CHARS = 200_000;

export function sqsAnalyticsDeadLetters(client: SQSClient, queueUrl: string): AnalyticsDeadLetters {
  return {
    async send(letter) {
      const body = { ...letter, data: letter.data.slice(0, MAX_DATA_CHARS), truncated: letter.data.length > MAX_DATA_CHARS, at: new Date().toISOString() };
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(body),
          MessageAttributes: { ...traceAttributes(), reason: { DataType: "String", StringValue: letter.reason } },
        }),
      );
    },
  };
}

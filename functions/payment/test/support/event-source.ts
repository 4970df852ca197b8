import { randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { sqsClient } from "@cloudcafe/adapters";
import { localRegion } from "@cloudcafe/local/aws-clients";
import { sqsEvent } from "@cloudcafe/local/event-source/sqs-event";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { PaymentBatchHandler } from "../../src/events/payment-requests.ts";

/** A queue of this run, as the global setup created it. */
export interface QueueRef {
  url: string;
  arn: string;
}

/** Messages currently visible on a queue, up to one receive's worth. */
export async function receive(queue: QueueRef, max = 10): Promise<Message[]> {
  const { Messages } = await sqsClient().send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  return Messages ?? [];
}

/** Receives and deletes everything visible on a queue (fauxqs enqueues before answering, so nothing is in flight). */
export async function drain(queue: QueueRef): Promise<Message[]> {
  const all: Message[] = [];
  for (let batch = await receive(queue); batch.length > 0; batch = await receive(queue)) {
    all.push(...batch);
    await sqsClient().send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return all;
}

export interface Delivery {
  event: SQSEvent;
  response: SQSBatchResponse;
  failedIds: string[];
}

/**
 * One poll of Lambda's SQS event source mapping: receive a batch, invoke the handler, delete the messages it did
 * not report as failed. Reported failures are made visible again at once rather than after the visibility
 * timeout, so retries do not slow the suite. `acknowledge: false` stands for a lost acknowledgement (the
 * function timed out after doing its work): every message comes back.
 */
export async function deliverOnce(
  queue: QueueRef,
  handler: PaymentBatchHandler,
  { acknowledge = true }: { acknowledge?: boolean } = {},
): Promise<Delivery | undefined> {
  const messages = await receive(queue);
  if (messages.length === 0) return undefined;
  const event: SQSEvent = sqsEvent(messages, queue.arn, localRegion);
  const response = await handler(event);
  const failedIds = response.batchItemFailures.map((failure) => failure.itemIdentifier);
  const retried = acknowledge ? messages.filter((message) => failedIds.includes(message.MessageId ?? "")) : messages;
  const done = messages.filter((message) => !retried.includes(message));
  const entries = (batch: Message[]) => batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle }));
  if (done.length > 0) await sqsClient().send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: entries(done) }));
  if (retried.length > 0) {
    await sqsClient().send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: entries(retried).map((entry) => ({ ...entry, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { event, response, failedIds };
}

/**
 * fauxqs keeps serving a long poll after its client aborted it (a stopped poller's last receive): the next
 * message to arrive goes to that dead receive and stays hidden for the visibility timeout. A throwaway message
 * feeds it; purge the queue afterwards to remove the throwaway.
 */
export async function feedAbandonedReceive(queue: QueueRef): Promise<void> {
  const id = randomUUID();
  await sqsClient().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `throwaway ${id}`, MessageGroupId: `throwaway-${id}` }));
}

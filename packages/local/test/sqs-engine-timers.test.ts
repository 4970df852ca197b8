/**
 * The local SQS engine's timers (engines/servers/sqs-sns.ts): an idle queue with a long poll waiting has no timer at
 * all, so every deadline must re-arm one. A receive that is already waiting gets a message whose visibility timeout ran
 * out, whose delay ended, or whose visibility was changed, when that happens, not at the end of its long poll.
 */
import { randomUUID } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { sqsClientFor } from "../src/aws-clients.ts";
import { localPlatform } from "../src/testing/env.ts";

const sqs = sqsClientFor(localPlatform().endpoints.sqs);
const created: string[] = [];

afterAll(async () => {
  await Promise.all(created.map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
  sqs.destroy();
});

async function queue(options: { fifo?: boolean } = {}): Promise<string> {
  const name = `timers-${randomUUID().slice(0, 8)}${options.fifo ? ".fifo" : ""}`;
  const attributes = options.fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {};
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...attributes, VisibilityTimeout: "30" } }));
  created.push(QueueUrl!);
  return QueueUrl!;
}

/** A long poll of up to 10 s, and how long it took to answer. */
async function longPoll(url: string): Promise<{ bodies: string[]; ms: number }> {
  const started = performance.now();
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MaxNumberOfMessages: 10 }));
  return { bodies: (Messages ?? []).map((message) => message.Body ?? ""), ms: performance.now() - started };
}

describe("local SQS engine: deadlines wake a waiting receive", () => {
  it.each([{ fifo: false }, { fifo: true }])("a message whose visibility timeout runs out goes to the receive already waiting (fifo: $fifo)", async ({ fifo }) => {
    const url = await queue({ fifo });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "again", ...(fifo ? { MessageGroupId: "g" } : {}) }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }));
    expect(first.Messages?.map((message) => message.Body)).toEqual(["again"]);
    const waiting = await longPoll(url);
    expect(waiting.bodies).toEqual(["again"]);
    expect(waiting.ms).toBeLessThan(4_000);
  });

  it("a delayed message goes to the receive already waiting when its delay ends", async () => {
    const url = await queue();
    const poll = longPoll(url);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 1 }));
    const { bodies, ms } = await poll;
    expect(bodies).toEqual(["later"]);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4_000);
  });

  it("a visibility changed while a receive waits is kept: the message comes back at the new deadline", async () => {
    const url = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "extended" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    const handle = first.Messages?.[0]?.ReceiptHandle;
    expect(handle).toBeDefined();
    const poll = longPoll(url);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 2 }));
    const { bodies, ms } = await poll;
    expect(bodies).toEqual(["extended"]);
    expect(ms).toBeGreaterThanOrEqual(1_500);
    expect(ms).toBeLessThan(5_000);
  });
});

import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@cloudcafe/observability";
import { sqsClientFor } from "../src/aws-clients.ts";
import { InvalidParameterValueException, startSqsPoller, type SqsPoller, type SqsPollerOptions } from "../src/event-source/sqs-poller.ts";
import { waitUntil } from "../src/process/net.ts";
import { localPlatform } from "../src/testing/env.ts";

const sqs = sqsClientFor(localPlatform().endpoints.sqs);
const created: string[] = [];
const pollers: SqsPoller[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

afterAll(async () => {
  await Promise.all(created.map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
  sqs.destroy();
});

/** A fresh queue with its own DLQ, so tests never see each other's messages. */
async function queueWithDlq(options: { fifo?: boolean; maxReceiveCount?: number } = {}) {
  const suffix = options.fifo ? ".fifo" : "";
  const fifo = options.fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {};
  const id = randomUUID().slice(0, 8);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `poller-${id}-dlq${suffix}`, Attributes: fifo }));
  const dlqUrl = dlq.QueueUrl ?? "";
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `poller-${id}${suffix}`,
      Attributes: {
        ...fifo,
        VisibilityTimeout: "30",
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
      },
    }),
  );
  const url = queue.QueueUrl ?? "";
  created.push(url, dlqUrl);
  return { url, dlqUrl };
}

function poll(queueUrl: string, handler: SqsPollerOptions["handler"], overrides: Partial<SqsPollerOptions> = {}) {
  const poller = startSqsPoller({
    sqs,
    queueUrl,
    handler,
    functionName: "poller-test",
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    failedVisibilityTimeoutSeconds: 1,
    // The failures these tests provoke on purpose would otherwise fill the output.
    logger: createLogger({ service: "poller-test", write: () => {} }),
    ...overrides,
  });
  pollers.push(poller);
  return poller;
}

async function visibleAndInFlight(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

/** An SQS client of its own that counts the ReceiveMessage calls made through it. */
function receiveCountingClient() {
  const counted = { client: sqsClientFor(localPlatform().endpoints.sqs), receives: 0 };
  counted.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "ReceiveMessageCommand") counted.receives++;
      return next(args);
    },
    { step: "initialize" },
  );
  return counted;
}

const bodies = (event: SQSEvent) => event.Records.map((record) => record.body);
const failures = (records: SQSRecord[]): SQSBatchResponse => ({
  batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })),
});

describe("SQS event-source poller", () => {
  it("deletes the successes of a partial batch failure, retries only the failed message and dead-letters it after 3 receives", async () => {
    const { url, dlqUrl } = await queueWithDlq({ maxReceiveCount: 3 });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: ["a", "b", "c"].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const events: SQSEvent[] = [];
    poll(url, async (event) => {
      events.push(event);
      return failures(event.Records.filter((record) => record.body === "b"));
    });

    await waitUntil("three receives of the failed message", async () => events.length >= 3, 30_000);
    const [dead] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 20 }))).Messages ?? [];

    expect(bodies(events[0]!).sort()).toEqual(["a", "b", "c"]);
    expect(events.slice(1).map(bodies)).toEqual([["b"], ["b"]]);
    expect(events.map((event) => event.Records.find((record) => record.body === "b")?.attributes.ApproximateReceiveCount)).toEqual(["1", "2", "3"]);
    expect(dead?.Body).toBe("b");
    expect(await visibleAndInFlight(url)).toBe(0);
  });

  it("deletes nothing when the handler throws, so the whole batch comes back", async () => {
    const { url } = await queueWithDlq();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ["x", "y"].map((body) => ({ Id: body, MessageBody: body })) }));
    const events: SQSEvent[] = [];
    poll(url, async (event) => {
      events.push(event);
      if (events.length === 1) throw new Error("downstream unavailable");
    });

    await waitUntil("the retried batch", async () => events.length >= 2 && (await visibleAndInFlight(url)) === 0, 30_000);

    expect(bodies(events[1]!).sort()).toEqual(["x", "y"]);
    expect(events[1]!.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(["2", "2"]);
  });

  it("treats a batchItemFailures entry naming an unknown message as a failure of the whole batch", async () => {
    const { url } = await queueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "only" }));
    const events: SQSEvent[] = [];
    poll(url, async (event) => {
      events.push(event);
      return events.length === 1 ? { batchItemFailures: [{ itemIdentifier: "not-in-this-batch" }] } : { batchItemFailures: [] };
    });

    await waitUntil("the redelivery", async () => events.length >= 2 && (await visibleAndInFlight(url)) === 0, 30_000);

    expect(events[1]!.Records[0]?.attributes.ApproximateReceiveCount).toBe("2");
  });

  it("keeps FIFO order within each message group across a failure and retry", async () => {
    const { url } = await queueWithDlq({ fifo: true, maxReceiveCount: 5 });
    const sent = [1, 2, 3, 4].flatMap((n) => ["g1", "g2"].map((group) => ({ group, body: `${group}-${n}` })));
    for (const message of sent) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: message.body, MessageGroupId: message.group }));
    }
    const processed: string[] = [];
    let failedOnce = false;
    poll(
      url,
      async (event) => {
        // Like a FIFO batch processor: after the first failure, the rest of the batch is reported failed too.
        const failed: SQSRecord[] = [];
        for (const record of event.Records) {
          if (failed.length > 0 || (record.body === "g1-2" && !failedOnce)) {
            failedOnce = true;
            failed.push(record);
          } else {
            processed.push(record.body);
          }
        }
        return failures(failed);
      },
    );

    await waitUntil("every message processed", async () => processed.length >= sent.length, 45_000);

    expect(failedOnce).toBe(true);
    expect(processed.filter((body) => body.startsWith("g1"))).toEqual(["g1-1", "g1-2", "g1-3", "g1-4"]);
    expect(processed.filter((body) => body.startsWith("g2"))).toEqual(["g2-1", "g2-2", "g2-3", "g2-4"]);
  });

  it("runs concurrent batches without ever putting one group in two batches or out of order", async () => {
    const { url } = await queueWithDlq({ fifo: true, maxReceiveCount: 5 });
    const groups = ["a", "b", "c", "d"];
    for (const n of [1, 2, 3]) {
      for (const group of groups) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `${group}-${n}`, MessageGroupId: group }));
    }
    const processed: string[] = [];
    const inFlight = new Set<string>();
    let overlaps = 0;
    let concurrentBatches = 0;
    let maxConcurrentBatches = 0;
    poll(
      url,
      async (event) => {
        concurrentBatches++;
        maxConcurrentBatches = Math.max(maxConcurrentBatches, concurrentBatches);
        const batchGroups = new Set(event.Records.map((r) => r.attributes.MessageGroupId!));
        for (const group of batchGroups) (inFlight.has(group) ? overlaps++ : inFlight.add(group));
        await new Promise((r) => setTimeout(r, 300));
        processed.push(...bodies(event));
        for (const group of batchGroups) inFlight.delete(group);
        concurrentBatches--;
      },
      { concurrency: 3, batchSize: 1 },
    );

    await waitUntil("every message processed", async () => processed.length >= 12, 45_000);
    expect(overlaps).toBe(0);
    expect(maxConcurrentBatches).toBeGreaterThan(1);
    for (const group of groups) expect(processed.filter((b) => b.startsWith(group))).toEqual([1, 2, 3].map((n) => `${group}-${n}`));
  });

  it("waits on an empty queue with one long poll, and brings up its other pollers with the first batch", async () => {
    const { url } = await queueWithDlq({ fifo: true, maxReceiveCount: 5 });
    const counted = receiveCountingClient();
    let concurrentBatches = 0;
    let maxConcurrentBatches = 0;
    let processed = 0;
    poll(
      url,
      async () => {
        concurrentBatches++;
        maxConcurrentBatches = Math.max(maxConcurrentBatches, concurrentBatches);
        await new Promise((r) => setTimeout(r, 300));
        concurrentBatches--;
        processed++;
      },
      { sqs: counted.client, concurrency: 5, batchSize: 1 },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(counted.receives).toBe(1);

    for (const group of ["a", "b", "c", "d", "e", "f"]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: group, MessageGroupId: group }));
    await waitUntil("every message processed", async () => processed >= 6, 20_000);
    expect(maxConcurrentBatches).toBeGreaterThanOrEqual(3);
    counted.client.destroy();
  });

  it("goes back to one long poll once the queue is empty again, and still takes the next message", async () => {
    const { url } = await queueWithDlq();
    const counted = receiveCountingClient();
    const seen: string[] = [];
    poll(url, async (event) => void seen.push(...bodies(event)), { sqs: counted.client, concurrency: 4, batchSize: 1, longPollSeconds: 1 });
    for (const n of [1, 2, 3, 4, 5, 6]) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `first-${n}` }));
    await waitUntil("the burst processed", async () => seen.length >= 6, 10_000);
    // Every extra poller's next long poll (1 s here) comes back empty and it stops; give them two.
    await new Promise((r) => setTimeout(r, 2_500));
    const idleFrom = counted.receives;
    await new Promise((r) => setTimeout(r, 3_000));
    // One poller waiting: about one 1-second long poll a second, not four.
    expect(counted.receives - idleFrom).toBeLessThanOrEqual(4);
    expect(counted.receives - idleFrom).toBeGreaterThanOrEqual(2);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "after the quiet" }));
    await waitUntil("the message after the quiet", async () => seen.includes("after the quiet"), 5_000);
    counted.client.destroy();
  });

  // "Lambda parameters for Amazon SQS event source mappings" (MaximumBatchingWindowInSeconds: "Batching window is not
  // supported for FIFO queues"), https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
  it("refuses a batching window on a FIFO queue as Lambda's CreateEventSourceMapping does, and accepts none", async () => {
    const { url } = await queueWithDlq({ fifo: true });
    const refusal = (() => {
      try {
        poll(url, async () => {}, { maximumBatchingWindowSeconds: 5 });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(InvalidParameterValueException);
    expect(refusal).toMatchObject({ name: "InvalidParameterValueException", message: expect.stringMatching(/Batching window is not supported for FIFO queues$/) });
    expect(() => poll(url, async () => {}, { maximumBatchingWindowSeconds: 0 })).not.toThrow();
    expect(() => poll(url, async () => {}, { batchSize: 11 })).toThrow(/from 1 to 10 for a FIFO queue/);
  });

  it("gathers messages arriving within the batching window into one invocation", async () => {
    const { url } = await queueWithDlq();
    const events: SQSEvent[] = [];
    poll(url, async (event) => void events.push(event), { maximumBatchingWindowSeconds: 5 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "first" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "second" }));

    await waitUntil("the batch", async () => events.length > 0, 30_000);

    expect(bodies(events[0]!).sort()).toEqual(["first", "second"]);
  });

  it("never puts more than batchSize messages in one invocation", async () => {
    const { url } = await queueWithDlq();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ["1", "2", "3", "4", "5"].map((body) => ({ Id: body, MessageBody: body })) }));
    const events: SQSEvent[] = [];
    poll(url, async (event) => void events.push(event), { batchSize: 2, maximumBatchingWindowSeconds: 1 });

    await waitUntil("all five messages", async () => events.flatMap(bodies).length >= 5, 30_000);

    expect(events.map((event) => event.Records.length).every((size) => size <= 2)).toBe(true);
    expect(events.flatMap(bodies).sort()).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("builds Lambda-shaped records and context", async () => {
    const { url } = await queueWithDlq({ fifo: true });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"paymentId":"p-1"}',
        MessageGroupId: "customer-7",
        MessageAttributes: { traceparent: { DataType: "String", StringValue: "00-abc-def-01" } },
      }),
    );
    const seen: { record: SQSRecord; remainingMs: number; functionName: string }[] = [];
    poll(
      url,
      async (event, context) => {
        seen.push({ record: event.Records[0]!, remainingMs: context.getRemainingTimeInMillis(), functionName: context.functionName });
      },
      { functionName: "payment-processor", functionTimeoutSeconds: 30 },
    );

    await waitUntil("the invocation", async () => seen.length > 0, 30_000);
    const [{ record, remainingMs, functionName }] = seen as [(typeof seen)[number]];

    expect(record).toMatchObject({
      body: '{"paymentId":"p-1"}',
      eventSource: "aws:sqs",
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:poller-.*\.fifo$/),
      awsRegion: "us-east-1",
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      messageAttributes: { traceparent: { stringValue: "00-abc-def-01", dataType: "String", stringListValues: [], binaryListValues: [] } },
      attributes: { ApproximateReceiveCount: "1", MessageGroupId: "customer-7", MessageDeduplicationId: expect.any(String) },
    });
    expect(record.attributes.SequenceNumber).toMatch(/^\d+$/);
    expect(record.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(functionName).toBe("payment-processor");
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(30_000);
  });

  it("stop() lets the batch in hand finish and be deleted", async () => {
    const { url } = await queueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "slow" }));
    let release: () => void = () => {};
    const started: string[] = [];
    let finished = false;
    const poller = poll(url, async (event) => {
      started.push(...bodies(event));
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
    });

    await waitUntil("the handler to start", async () => started.length > 0, 30_000);
    const stopped = poller.stop();
    release();
    await stopped;

    expect(finished).toBe(true);
    expect(await visibleAndInFlight(url)).toBe(0);
  });

  it("stop() gives up its 20-second long poll at once, and the next message goes to the next poller, not to the dead receive", async () => {
    const { url } = await queueWithDlq();
    const first = poll(url, async () => {});
    // Let its receive reach the queue and wait there.
    await new Promise((r) => setTimeout(r, 500));
    const stopping = performance.now();
    await first.stop();
    expect(performance.now() - stopping).toBeLessThan(2_000);

    const seen: string[] = [];
    poll(url, async (event) => void seen.push(...bodies(event)));
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "after the stop" }));
    await waitUntil("the new poller to get it", async () => seen.length > 0, 10_000, 20);
    // Handed to the waiting receive at once; a dead receive would have hidden it for the 30 s visibility timeout.
    expect(performance.now() - sentAt).toBeLessThan(2_000);
    expect(seen).toEqual(["after the stop"]);
  });
});

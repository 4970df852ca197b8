/**
 * lambda-throttling locally: while the fault names the function, its SQS poller invokes nothing and the messages
 * stay in the queue, visible; `Throttles` is counted; once the fault ends the backlog is processed.
 */
import { randomUUID } from "node:crypto";
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@cloudcafe/observability";
import { sqsClientFor } from "../../src/aws-clients.ts";
import { createChaosControlPlane } from "../../src/chaos/control-plane.ts";
import { functionThrottled } from "../../src/chaos/function-throttling.ts";
import { localFaultInjectors } from "../../src/chaos/local-injectors.ts";
import { startSqsPoller } from "../../src/event-source/sqs-poller.ts";
import { waitUntil } from "../../src/process/net.ts";
import { localPlatform } from "../../src/testing/env.ts";

const sqs = sqsClientFor(localPlatform().endpoints.sqs);
const logger = createLogger({ service: "chaos-test", level: "ERROR" });
let queueUrl = "";

afterAll(async () => {
  if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  sqs.destroy();
});

const visibleMessages = async () =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes?.ApproximateNumberOfMessages);

describe("lambda-throttling", () => {
  it("keeps the throttled function's messages in the queue until the fault ends, then they are processed", async () => {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `chaos-throttle-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
    const { "lambda-throttling": injector } = localFaultInjectors({ databaseUrl: "postgres://unused@127.0.0.1:1/unused", cacheUrl: "redis://127.0.0.1:1" });
    const controlPlane = createChaosControlPlane({ injectors: { "lambda-throttling": injector! }, logger });
    await controlPlane.inject("lambda-throttling", { ttlSeconds: 30, parameters: { functions: "payment-processor" } });

    const invoked: string[] = [];
    let throttles = 0;
    const poller = startSqsPoller({
      sqs,
      queueUrl,
      functionName: "payment-processor",
      handler: async (event) => void invoked.push(...event.Records.map((record) => record.body)),
      throttled: () => functionThrottled(controlPlane.faultSource, "payment-processor"),
      onThrottled: () => throttles++,
      logger,
    });
    try {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [0, 1, 2].map((i) => ({ Id: String(i), MessageBody: `payment-${i}` })) }));
      await waitUntil("two throttled back-offs", async () => throttles >= 2, 10_000, 50);
      expect(invoked).toEqual([]);
      expect(await visibleMessages()).toBe(3);
      // Another function is not throttled by it.
      expect(await functionThrottled(controlPlane.faultSource, "order-submission")).toBe(false);

      await controlPlane.revert("lambda-throttling");
      await waitUntil("the backlog to be processed", async () => invoked.length === 3, 15_000, 50);
      expect(invoked.sort()).toEqual(["payment-0", "payment-1", "payment-2"]);
    } finally {
      await poller.stop();
      await controlPlane.close();
    }
  });
});

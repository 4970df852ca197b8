import { GetQueueAttributesCommand, type Message } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import {
  dynamoPaymentTransactionLog,
  mockPaymentGateway,
  snsPaymentResultPublisher,
  dynamoDocumentClient,
  sandboxInputs,
  snsClient,
  sqsClient,
} from "@cloudcafe/adapters";
import { metricNamespaces, tables, trafficAttribute } from "@cloudcafe/catalog";
import { fraudScreenScore, paymentIdFor, paymentResultSchema, SYNTHETIC_ORDER_PREFIX, type PaymentGateway } from "@cloudcafe/core";
import { localPlatform, useLocalEnv } from "@cloudcafe/local/testing/env";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { startSqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { waitUntil } from "@cloudcafe/local/process/net";
import { purgeQueues } from "@cloudcafe/local/testing/purge";
import { traceIdFrom } from "@cloudcafe/observability";
import { beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { createPaymentBatchHandler } from "../src/events/payment-requests.ts";
import { startPaymentProcessor } from "../src/runtime.ts";
import { deliverOnce, drain, feedAbandonedReceive, receive, type QueueRef } from "./support/event-source.ts";
import {
  capturedTelemetry,
  countingGateway,
  metricValues,
  newCustomerId,
  paymentRecord,
  paymentRequest,
  poisonBody,
  sendPaymentRequest,
} from "./support/factories.ts";

/** This run's copies of the catalog resources the processor touches (created by the vitest global setup). */
interface PaymentResources {
  tableName: string;
  paymentQueue: QueueRef;
  deadLetterQueue: QueueRef;
  topicArn: string;
  /** The order service's raw-delivery subscription to the results topic. */
  resultsQueue: QueueRef;
}

let resources: PaymentResources;

beforeAll(() => {
  useLocalEnv();
  const created = localPlatform().resources;
  const { dlq } = created.queues.paymentProcessing;
  if (!dlq) throw new Error("The catalog gives the payment queue a dead-letter queue");
  resources = {
    tableName: created.tables.paymentTransactions,
    paymentQueue: created.queues.paymentProcessing,
    deadLetterQueue: dlq,
    topicArn: created.topics.paymentResults.arn,
    resultsQueue: created.queues.paymentResults,
  };
});

// Other suites of the run share these queues; each test starts from empty ones.
beforeEach(() => purgeQueues(localPlatform()));

/** A processor instance (one Lambda execution environment) wired to the real engines. */
function processor(gateway: PaymentGateway = countingGateway().gateway) {
  const telemetry = capturedTelemetry();
  const handler = createPaymentBatchHandler({
    gateway,
    transactions: dynamoPaymentTransactionLog(dynamoDocumentClient(), resources.tableName),
    results: snsPaymentResultPublisher(snsClient(), resources.topicArn),
    now: () => new Date(),
    logger: telemetry.logger,
    metrics: telemetry.metrics,
  });
  return { handler, ...telemetry };
}

const parseResult = (message: Message) => paymentResultSchema.parse(JSON.parse(message.Body ?? ""));
const publishedResults = async () => (await drain(resources.resultsQueue)).map(parseResult);

async function storedPayment(orderId: string) {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: resources.tableName, Key: { paymentId: paymentIdFor(orderId) }, ConsistentRead: true }),
  );
  return Item;
}

async function messagesLeft(queueUrl: string) {
  const { Attributes } = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe("payment processor on DynamoDB Local and fauxqs", () => {
  it("reports only the failed message of a mixed batch, plus the later messages of the same customer", async () => {
    const { gateway, charges } = countingGateway();
    const { handler, emitted } = processor(gateway);
    const unlucky = newCustomerId();
    const failing = paymentRequest({ customerId: unlucky, amountCents: sandboxInputs.gatewayErrorAmountCents });
    const captured = paymentRequest();
    const heldBack = paymentRequest({ customerId: unlucky });
    const declined = paymentRequest({ amountCents: sandboxInputs.declineAmountCents });
    // Built by hand: fauxqs hands out one message per group per receive, Lambda's batches can hold several.
    const records = [failing, captured, heldBack, declined].map(paymentRecord);

    const response = await handler({ Records: records });

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([records[0]!.messageId, records[2]!.messageId]);
    // The batch's customers are charged side by side (one message group each), so only the set is fixed across them.
    expect(charges.map((charge) => charge.customerId).sort()).toEqual([unlucky, captured.customerId, declined.customerId].sort());
    const results = await publishedResults();
    expect(results.map((result) => [result.orderId, result.outcome]).sort()).toEqual(
      [
        [captured.orderId, "CAPTURED"],
        [declined.orderId, "DECLINED"],
      ].sort(),
    );
    expect(await storedPayment(failing.orderId)).toMatchObject({ status: "PENDING" });
    expect(await storedPayment(heldBack.orderId)).toBeUndefined();
    expect(metricValues(emitted, "GatewayErrors")).toEqual([1]);
    expect(emitted.filter((line) => "PaymentProcessed" in line).map((line) => line.outcome).sort()).toEqual(["CAPTURED", "DECLINED"]);
  });

  it("charges once when the same message is delivered again, to a new instance, and re-publishes the same result", async () => {
    const request = paymentRequest();
    await sendPaymentRequest(resources.paymentQueue, request);
    const firstInstance = countingGateway();
    const secondInstance = countingGateway();
    const second = processor(secondInstance.gateway);

    // The first instance does the work but its acknowledgement is lost, so SQS delivers the message again.
    const firstDelivery = await deliverOnce(resources.paymentQueue, processor(firstInstance.gateway).handler, { acknowledge: false });
    const redelivery = await deliverOnce(resources.paymentQueue, second.handler);

    expect(redelivery?.event.Records[0]?.messageId).toBe(firstDelivery?.event.Records[0]?.messageId);
    expect(redelivery?.event.Records[0]?.attributes.ApproximateReceiveCount).toBe("2");
    expect(redelivery?.failedIds).toEqual([]);
    expect(firstInstance.charges).toHaveLength(1);
    expect(secondInstance.charges).toHaveLength(0);
    const [original, republished] = await publishedResults();
    expect(original?.outcome).toBe("CAPTURED");
    expect(republished).toEqual(original);
    expect(metricValues(second.emitted, "DuplicateDeliveries")).toEqual([1]);
    expect(metricValues(second.emitted, "PaymentProcessed")).toEqual([]);
  });

  it("publishes a decline as DECLINED and acknowledges it, so it is never retried", async () => {
    const request = paymentRequest({ customerId: `${sandboxInputs.declineCustomerPrefix}-${newCustomerId()}` });
    await sendPaymentRequest(resources.paymentQueue, request);
    const { gateway, charges } = countingGateway();

    const delivery = await deliverOnce(resources.paymentQueue, processor(gateway).handler);

    expect(delivery?.failedIds).toEqual([]);
    expect(await publishedResults()).toEqual([
      expect.objectContaining({ orderId: request.orderId, outcome: "DECLINED", declineReason: "insufficient_funds" }),
    ]);
    expect(await storedPayment(request.orderId)).toMatchObject({ status: "DECLINED", declineReason: "insufficient_funds" });
    expect(await messagesLeft(resources.paymentQueue.url)).toBe(0);
    expect(charges).toHaveLength(1);
  });

  it("delivers the result to the topic's subscriber queue with the trace continued and the customer attached", async () => {
    const request = paymentRequest();
    const { traceId } = await sendPaymentRequest(resources.paymentQueue, request);
    const { handler, logs } = processor();

    const delivery = await deliverOnce(resources.paymentQueue, handler);

    const [message] = await drain(resources.resultsQueue);
    const outgoing = message?.MessageAttributes?.traceparent?.StringValue;
    expect(traceIdFrom(outgoing)).toBe(traceId);
    expect(outgoing).not.toBe(delivery?.event.Records[0]?.messageAttributes.traceparent?.stringValue);
    expect(message?.MessageAttributes?.customerId?.StringValue).toBe(request.customerId);
    expect(parseResult(message!)).toMatchObject({ orderId: request.orderId, paymentId: paymentIdFor(request.orderId) });
    const processed = logs.find((line) => line.message === "Payment processed");
    expect(processed).toMatchObject({ trace_id: traceId, customer_id: request.customerId, orderId: request.orderId });
  });

  it("settles a synthetic (stress) order like any other, but its result reaches neither subscriber that acts on orders", async () => {
    const notifications = localPlatform().resources.queues.notification;
    const synthetic = paymentRequest({ orderId: `${SYNTHETIC_ORDER_PREFIX}${newCustomerId()}` });
    const live = paymentRequest();
    await sendPaymentRequest(resources.paymentQueue, synthetic);
    await sendPaymentRequest(resources.paymentQueue, live);
    const { handler, logs } = processor();

    while ((await deliverOnce(resources.paymentQueue, handler)) !== undefined);

    expect(logs.filter((line) => line.message === "Payment processed").map((line) => line.orderId).sort()).toEqual(
      [synthetic.orderId, live.orderId].sort(),
    );
    const stored = await dynamoDocumentClient().send(
      new GetCommand({ TableName: resources.tableName, Key: { [tables.paymentTransactions.partitionKey.name]: paymentIdFor(synthetic.orderId) } }),
    );
    // The rehearsal's records expire with the table's TTL; the customer's is kept.
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(stored.Item).toMatchObject({ orderId: synthetic.orderId });
    expect(stored.Item?.expiresAt).toBeGreaterThan(nowSeconds + 86_400 - 60);
    expect(stored.Item?.expiresAt).toBeLessThanOrEqual(nowSeconds + 86_400);
    expect((await storedPayment(live.orderId))?.expiresAt).toBeUndefined();
    for (const queue of [resources.resultsQueue, notifications]) {
      const delivered = await drain(queue);
      expect(delivered.map((message) => parseResult(message).orderId)).toEqual([live.orderId]);
      expect(delivered[0]?.MessageAttributes?.[trafficAttribute]?.StringValue).toBe("live");
    }
  });

  it("moves an unreadable message to the dead-letter queue after three receives", async () => {
    const poison = poisonBody();
    const { customerId } = await sendPaymentRequest(resources.paymentQueue, poison);
    const { handler, logs, emitted } = processor();

    const deliveries = [];
    for (let delivery = await deliverOnce(resources.paymentQueue, handler); delivery; delivery = await deliverOnce(resources.paymentQueue, handler)) {
      deliveries.push(delivery);
      if (deliveries.length > 3) break;
    }

    expect(deliveries.map((delivery) => delivery.failedIds.length)).toEqual([1, 1, 1]);
    const deadLetters = await drain(resources.deadLetterQueue);
    expect(deadLetters.map((message) => message.Body)).toEqual([poison]);
    expect(metricValues(emitted, "InvalidMessages")).toEqual([1, 1, 1]);
    expect(logs.filter((line) => line.level === "ERROR").map((line) => line.customer_id)).toEqual([customerId, customerId, customerId]);
  });

  it("refuses a different request for an already paid order, without charging again", async () => {
    const { gateway, charges } = countingGateway();
    const { handler, logs } = processor(gateway);
    const original = paymentRequest();
    const altered = { ...original, amountCents: original.amountCents + 100 };

    await handler({ Records: [paymentRecord(original)] });
    const record = paymentRecord(altered);
    const response = await handler({ Records: [record] });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(charges).toHaveLength(1);
    expect(await storedPayment(original.orderId)).toMatchObject({ status: "CAPTURED", amountCents: original.amountCents });
    expect(logs.find((line) => line.level === "WARN")).toMatchObject({ error: expect.objectContaining({ code: "CONFLICT" }) });
  });

  it("runs under the local event-source mapping: captures a payment and dead-letters a poison message", async () => {
    const request = paymentRequest();
    await sendPaymentRequest(resources.paymentQueue, request);
    const poison = poisonBody();
    await sendPaymentRequest(resources.paymentQueue, poison);
    const { handler, logger } = processor();
    // The platform's own client: its request timeout outlasts the poller's 20-second long polls.
    const sqs = sqsClientFor(localPlatform().endpoints.sqs);
    const poller = startSqsPoller({
      sqs,
      queueUrl: resources.paymentQueue.url,
      functionName: "payment-processor",
      handler,
      reportBatchItemFailures: true,
      failedVisibilityTimeoutSeconds: 0,
      logger,
    });
    onTestFinished(async () => {
      await feedAbandonedReceive(resources.paymentQueue);
      await purgeQueues(localPlatform());
    });
    try {
      await waitUntil(
        "the payment captured and the poison message dead-lettered",
        async () => (await storedPayment(request.orderId))?.status === "CAPTURED" && (await messagesLeft(resources.deadLetterQueue.url)) === 1,
        30_000,
        100,
      );
    } finally {
      await poller.stop();
      sqs.destroy();
    }

    expect((await drain(resources.deadLetterQueue)).map((message) => message.Body)).toEqual([poison]);
    expect((await publishedResults()).map((result) => [result.orderId, result.outcome])).toEqual([[request.orderId, "CAPTURED"]]);
    expect(await messagesLeft(resources.paymentQueue.url)).toBe(0);
  });

  it("retries a gateway failure under the same payment, and the retry settles it", async () => {
    // Draws per charge: latency, then failure (and decline once the failure draw misses).
    const draws = [0.5, 0.1, 0.5, 0.9, 0.9];
    const flaky = countingGateway(
      mockPaymentGateway({ latencyMs: 0, jitterMs: 0, declineRate: 0, failureRate: 0.5 }, { random: () => draws.shift() ?? 0.9 }),
    );
    const request = paymentRequest();
    await sendPaymentRequest(resources.paymentQueue, request);
    const { handler, logs } = processor(flaky.gateway);

    const failed = await deliverOnce(resources.paymentQueue, handler);
    const retried = await deliverOnce(resources.paymentQueue, handler);

    expect(failed?.failedIds).toHaveLength(1);
    expect(retried?.failedIds).toEqual([]);
    expect(flaky.charges.map((charge) => charge.idempotencyKey)).toEqual([paymentIdFor(request.orderId), paymentIdFor(request.orderId)]);
    expect(await storedPayment(request.orderId)).toMatchObject({ status: "CAPTURED" });
    expect(logs.find((line) => line.message === "Payment processed")).toMatchObject({ delivery: "resumed" });
    expect(await receive(resources.paymentQueue)).toEqual([]);
  });
});

/**
 * Runs `fn` with stdout captured and returns the JSON lines written. Instances created inside log at INFO and emit
 * metrics, which the test configuration otherwise turns off to keep output quiet.
 */
async function jsonLinesWrittenBy(fn: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const quiet = { LOG_LEVEL: process.env.LOG_LEVEL, CLOUDCAFE_METRICS_DISABLED: process.env.CLOUDCAFE_METRICS_DISABLED };
  process.env.LOG_LEVEL = "INFO";
  delete process.env.CLOUDCAFE_METRICS_DISABLED;
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    stdout.mockRestore();
    for (const [name, value] of Object.entries(quiet)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return written.flatMap((chunk) => chunk.split("\n")).filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const batchLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line.message === "Payment batch processed");
const coldStartMetrics = (lines: Record<string, unknown>[]) => lines.filter((line) => "ColdStart" in line);

/** Knobs that make the gateway quick and always approving; the links (SST_RESOURCE_*) come from the global setup. */
const quickGateway = { PAYMENT_GATEWAY_LATENCY_MS: "0", PAYMENT_DECLINE_RATE: "0" };

describe("Lambda entry", () => {
  it("wires itself from its links and environment, and reports only the first invocation as a cold start", async () => {
    Object.assign(process.env, quickGateway);
    const lines = await jsonLinesWrittenBy(async () => {
      const { handler } = await import("../src/lambda.ts");
      for (const request of [paymentRequest(), paymentRequest()]) {
        await sendPaymentRequest(resources.paymentQueue, request);
        expect((await deliverOnce(resources.paymentQueue, handler))?.failedIds).toEqual([]);
      }
    }).finally(() => {
      for (const name of Object.keys(quickGateway)) delete process.env[name];
    });

    expect(batchLines(lines).map((line) => [line.service, line.cold_start])).toEqual([
      ["payment-processor", true],
      ["payment-processor", false],
    ]);
    expect(coldStartMetrics(lines)).toHaveLength(1);
    expect(JSON.stringify(coldStartMetrics(lines)[0])).toContain(metricNamespaces.payment);
    expect((await publishedResults()).map((result) => result.outcome)).toEqual(["CAPTURED", "CAPTURED"]);
  });

  it("screens each payment for fraud with the configured rounds, logging the score and timing the screen", async () => {
    const request = paymentRequest();
    const lines = await jsonLinesWrittenBy(async () => {
      const { handler } = await startPaymentProcessor({ env: { ...process.env, ...quickGateway, PAYMENT_FRAUD_ROUNDS: "3" } });
      await sendPaymentRequest(resources.paymentQueue, request);
      expect((await deliverOnce(resources.paymentQueue, handler))?.failedIds).toEqual([]);
    });

    const processed = lines.find((line) => line.message === "Payment processed");
    expect(processed?.fraudScore).toBe(fraudScreenScore(request, 3));
    expect(lines.filter((line) => "FraudScreenDuration" in line)).toHaveLength(1);
    await expect(startPaymentProcessor({ env: { ...process.env, PAYMENT_FRAUD_ROUNDS: "-1" } })).rejects.toThrow(/PAYMENT_FRAUD_ROUNDS/);
  });

  it("starts every new instance cold, as a fresh execution environment is", async () => {
    const lines = await jsonLinesWrittenBy(async () => {
      for (const request of [paymentRequest(), paymentRequest()]) {
        const { handler } = await startPaymentProcessor({ env: { ...process.env, ...quickGateway } });
        await sendPaymentRequest(resources.paymentQueue, request);
        await deliverOnce(resources.paymentQueue, handler);
      }
    });

    expect(batchLines(lines).map((line) => line.cold_start)).toEqual([true, true]);
    expect(coldStartMetrics(lines)).toHaveLength(2);
  });
});

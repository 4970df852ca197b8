import { createLogger, createMetrics, currentContext } from "@cloudcafe/observability";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sqsBatchHandler } from "../src/aws/sqs-batch-handler.ts";

type Line = Record<string, unknown>;

const drink = z.object({ customerId: z.string(), sku: z.string() });

function telemetry() {
  const logs: Line[] = [];
  const emitted: Line[] = [];
  return {
    logs,
    emitted,
    logger: createLogger({ service: "test", level: "DEBUG", write: (line) => logs.push(JSON.parse(line) as Line) }),
    metrics: createMetrics({ namespace: "test", service: "test", write: (line) => emitted.push(JSON.parse(line) as Line) }),
  };
}

/** A record as Lambda's SQS event source hands it over, on its second receive. */
const message = (id: string, body: string, group?: string): SQSRecord => ({
  messageId: id,
  receiptHandle: id,
  body,
  attributes: {
    ApproximateReceiveCount: "2",
    SentTimestamp: "0",
    SenderId: "sender",
    ApproximateFirstReceiveTimestamp: "0",
    ...(group ? { MessageGroupId: group, MessageDeduplicationId: id, SequenceNumber: "1" } : {}),
  },
  messageAttributes: {},
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:drinks${group ? ".fifo" : ""}`,
  awsRegion: "us-east-1",
});

const event = (records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A FIFO queue's consumer of drink orders, handling each with `handle`. */
function fifoConsumer(handle: (order: z.output<typeof drink>) => Promise<void>) {
  const telemetryOf = telemetry();
  const handler = sqsBatchHandler({ message: "drink order", schema: drink, fifo: true, logger: telemetryOf.logger, metrics: telemetryOf.metrics, handle });
  return { ...telemetryOf, handler };
}

describe("consuming an SQS batch", () => {
  it("reports a malformed message as a failure of that record alone, logging what is wrong with it", async () => {
    const { logs, emitted, logger, metrics } = telemetry();
    const handled: string[] = [];
    const handler = sqsBatchHandler({
      message: "drink order",
      schema: drink,
      logger,
      metrics,
      contextOf: (order) => ({ customerId: order.customerId }),
      async handle(order) {
        handled.push(`${currentContext().customerId}:${order.sku}`);
      },
    });
    const response = await handler(
      event([
        message("good-1", JSON.stringify({ customerId: "c-1", sku: "ESP-001" })),
        message("not-json", "{oops"),
        message("wrong-shape", JSON.stringify({ customerId: "c-2", sku: 7 })),
        message("good-2", JSON.stringify({ customerId: "c-3", sku: "TEA-001" })),
      ]),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["not-json", "wrong-shape"]);
    expect(handled).toEqual(["c-1:ESP-001", "c-3:TEA-001"]);
    const errors = logs.filter((line) => line.level === "ERROR");
    expect(errors.map((line) => line.message)).toEqual([
      "Unreadable drink order; it will reach the dead-letter queue after its last receive",
      "Unreadable drink order; it will reach the dead-letter queue after its last receive",
    ]);
    expect(errors.map((line) => (line.error as Line).code)).toEqual(["MALFORMED_JSON", "VALIDATION_FAILED"]);
    expect(errors[1]).toMatchObject({ receiveCount: 2, details: [expect.objectContaining({ path: "sku" })] });
    expect(emitted.filter((line) => "InvalidMessages" in line)).toHaveLength(2);
  });

  it("on a FIFO queue fails the rest of a failed message's group and carries on with other groups", async () => {
    const handled: string[] = [];
    const { logs, handler } = fifoConsumer(async (order) => {
      if (order.sku === "BROKEN") throw new Error("grinder jammed");
      handled.push(order.sku);
    });
    const body = (customerId: string, sku: string) => JSON.stringify({ customerId, sku });
    const response = await handler(
      event([
        message("a-1", body("a", "BROKEN"), "a"),
        message("b-1", body("b", "ESP-001"), "b"),
        message("a-2", body("a", "TEA-001"), "a"),
        message("b-2", body("b", "TEA-002"), "b"),
      ]),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["a-1", "a-2"]);
    expect(handled).toEqual(["ESP-001", "TEA-002"]);
    expect(logs.find((line) => line.level === "WARN")).toMatchObject({
      message: "drink order failed; the message will be redelivered",
      customer_id: "a",
    });
  });

  it("on a FIFO queue runs the batch's message groups side by side, each group's messages in order", async () => {
    const steps: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const { handler } = fifoConsumer(async (order) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      steps.push(`start ${order.customerId}:${order.sku}`);
      // A gateway call's wait: long enough that another group would start meanwhile if groups run side by side.
      await new Promise((resolve) => setTimeout(resolve, 20));
      steps.push(`end ${order.customerId}:${order.sku}`);
      inFlight--;
    });
    const body = (customerId: string, sku: string) => JSON.stringify({ customerId, sku });
    const response = await handler(
      event([
        message("a-1", body("a", "ESP-001"), "a"),
        message("b-1", body("b", "ESP-002"), "b"),
        message("a-2", body("a", "TEA-001"), "a"),
        message("c-1", body("c", "TEA-002"), "c"),
        message("a-3", body("a", "TEA-003"), "a"),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(mostInFlight).toBe(3);
    // Within group a, each message starts only after the one before it ended.
    const ofA = steps.filter((step) => step.includes(" a:"));
    expect(ofA).toEqual(["start a:ESP-001", "end a:ESP-001", "start a:TEA-001", "end a:TEA-001", "start a:TEA-003", "end a:TEA-003"]);
  });
});

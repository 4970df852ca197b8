import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { SQSEvent, SQSRecord, Context } from "aws-lambda";
import { orderSubmittedSchema } from "@cloudcafe/core";
import { traceIdOfRecord, withContext } from "@cloudcafe/observability";
import { sharedOrderRuntime } from "../runtime.ts";

const processor = new BatchProcessor(EventType.SQS);

/**
 * Validation step on `order-submission-queue`: re-checks the stored order and requests payment on the FIFO queue.
 * Idempotent per order (only PENDING orders are submitted; the FIFO queue's content-based dedup drops resends).
 */
async function handleRecord(record: SQSRecord): Promise<void> {
  const runtime = sharedOrderRuntime();
  const message = orderSubmittedSchema.parse(JSON.parse(record.body));
  await withContext({ traceId: traceIdOfRecord(record), customerId: message.customerId, orderId: message.orderId }, async () => {
    const outcome = await runtime.service.submitForPayment(message.orderId);
    runtime.logger.info("order submission handled", { outcome, receive_count: Number(record.attributes.ApproximateReceiveCount) });
    runtime.metrics.put("OrderSubmissions", 1, "Count", { outcome });
  });
}

export const handler = async (event: SQSEvent, context: Context) => processPartialResponse(event, handleRecord, processor, { context });

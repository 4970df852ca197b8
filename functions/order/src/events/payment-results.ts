import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { paymentResultSchema } from "@cloudcafe/core";
import { traceIdOfRecord, withContext } from "@cloudcafe/observability";
import { sharedOrderRuntime } from "../runtime.ts";

const processor = new BatchProcessor(EventType.SQS);

/** Applies payment results (SNS `payment-results` -> this service's queue) to orders, once each. */
async function handleRecord(record: SQSRecord): Promise<void> {
  const runtime = sharedOrderRuntime();
  const result = paymentResultSchema.parse(JSON.parse(record.body));
  await withContext({ traceId: traceIdOfRecord(record), customerId: result.customerId, orderId: result.orderId }, async () => {
    const outcome = await runtime.service.applyPaymentResult(result);
    if (outcome === "not-found") {
      // A result for an order this service never stored: retrying cannot help, so it goes to the DLQ for a human.
      throw new Error(`payment result for unknown order ${result.orderId}`);
    }
    runtime.logger.info("payment result applied", { outcome, payment_outcome: result.outcome });
    runtime.metrics.put("PaymentResultsApplied", 1, "Count", { outcome, payment_outcome: result.outcome });
  });
}

export const handler = async (event: SQSEvent, context: Context) => processPartialResponse(event, handleRecord, processor, { context });

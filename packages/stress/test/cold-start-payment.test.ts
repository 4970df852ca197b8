import type { SQSBatchResponse } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { coldStartAvalanche } from "../src/cores/cold-start.ts";
import { paymentRequestedEvent } from "../src/cores/payment-event.ts";

const PAYMENT_HANDLER = new URL("../../../functions/payment/src/lambda.ts", import.meta.url).href;

/**
 * The avalanche against the real payment processor on the local engines (DynamoDB Local, the SNS stand-in): the
 * root test setup puts the platform's AWS endpoints and SST links in the environment, which every fresh instance
 * inherits.
 */
describe("cold-start avalanche on the payment processor", () => {
  it("runs every invocation cold, each instance processing its payment without a batch failure", async () => {
    const responses: SQSBatchResponse[] = [];
    const report = await coldStartAvalanche({
      handlerModule: PAYMENT_HANDLER,
      event: (index) => paymentRequestedEvent(index),
      invocations: 2,
      concurrency: 2,
      fraudRounds: 200,
      onResult: (outcome) => responses.push(outcome.result as SQSBatchResponse),
    });
    expect(report.firstError).toBeUndefined();
    expect(report).toMatchObject({ invocations: 2, cold: 2, failed: 0 });
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  });
});

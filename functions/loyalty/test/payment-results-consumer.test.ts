import { afterAll, describe, expect, it } from "vitest";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { aPaymentResult, bodyOf, getPoints, loyaltyFixture, sqsEvent } from "./support.ts";

useLocalEnv();
// The consumer as Lambda (and npm start's poller) loads it: its own runtime from the environment.
const { handler } = await import("../src/events/payment-results.ts");
const { sharedLoyaltyRuntime } = await import("../src/runtime.ts");
const fixture = loyaltyFixture();
afterAll(async () => {
  await fixture.close();
  await sharedLoyaltyRuntime().close();
});

const pointsOf = async (customerId: string) => bodyOf(await getPoints(fixture.app, customerId));

describe("the payment-results consumer", () => {
  it("accrues a captured payment once however often SQS redelivers it", async () => {
    const result = aPaymentResult({ amountCents: 4_250 });
    expect(await handler(sqsEvent([result]))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent([result], 2))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent([result], 3))).toEqual({ batchItemFailures: [] });
    const points = await pointsOf(result.customerId);
    expect(points.balance).toBe(42);
    expect(points.latestEntries).toHaveLength(1);
  });

  it("accrues once when duplicates arrive in one batch and in concurrent batches", async () => {
    const result = aPaymentResult({ amountCents: 9_900 });
    const other = aPaymentResult({ customerId: result.customerId, amountCents: 100 });
    const answers = await Promise.all([
      handler(sqsEvent([result, result, other])),
      handler(sqsEvent([result, other], 2)),
      handler(sqsEvent([result])),
    ]);
    expect(answers).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    const points = await pointsOf(result.customerId);
    expect(points.balance).toBe(100);
    expect(points.latestEntries.map((e: { orderId: string }) => e.orderId).sort()).toEqual([result.orderId, other.orderId].sort());
  });

  it("earns nothing for a declined payment", async () => {
    const declined = aPaymentResult({ outcome: "DECLINED", declineReason: "insufficient_funds" });
    expect(await handler(sqsEvent([declined]))).toEqual({ batchItemFailures: [] });
    expect((await getPoints(fixture.app, declined.customerId)).status).toBe(404);
  });

  it("reports a malformed message and a changed amount as failed items, for the DLQ, and accrues the rest", async () => {
    const paid = aPaymentResult({ amountCents: 300 });
    const changed = { ...paid, amountCents: 999 };
    const good = aPaymentResult();
    const event = sqsEvent([paid]);
    await handler(event);
    const batch = sqsEvent([{ type: "PaymentResult", orderId: "x" }, "{not json", changed, good]);
    const { batchItemFailures } = await handler(batch);
    expect(batchItemFailures.map((f) => f.itemIdentifier)).toEqual(batch.Records.slice(0, 3).map((r) => r.messageId));
    expect((await pointsOf(paid.customerId)).balance).toBe(3);
    expect((await pointsOf(good.customerId)).balance).toBe(12);
  });
});

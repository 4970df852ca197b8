import { mockPaymentGateway, sandboxInputs, type MockGatewayConfig } from "@cloudcafe/adapters";
import { isAppError, type ChargeRequest } from "@cloudcafe/core";
import { describe, expect, it } from "vitest";

const calm: MockGatewayConfig = { latencyMs: 0, jitterMs: 0, declineRate: 0, failureRate: 0 };

let keys = 0;
const chargeFor = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  idempotencyKey: `pay_ord_${++keys}`,
  customerId: "cust-1",
  amountCents: 450,
  currency: "USD",
  ...overrides,
});

/** A random source that replays the given draws in order. */
const draws = (...values: number[]) => () => {
  const next = values.shift();
  if (next === undefined) throw new Error("random source exhausted");
  return next;
};

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("charge should have failed"),
    (error: unknown) => error,
  );
}

describe("mock payment gateway", () => {
  it("approves with a gateway reference when no rate fires", async () => {
    const result = await mockPaymentGateway(calm).charge(chargeFor());
    expect(result).toEqual({ status: "approved", gatewayReference: expect.stringMatching(/^ch_[0-9a-f]{32}$/) });
  });

  it("declines when the decline draw falls under the decline rate", async () => {
    // Draws: latency, failure (misses 0.1), decline (hits 0.5).
    const gateway = mockPaymentGateway({ ...calm, declineRate: 0.5, failureRate: 0.1 }, { random: draws(0.5, 0.2, 0.4) });
    expect(await gateway.charge(chargeFor())).toEqual({ status: "declined", reason: "insufficient_funds" });
  });

  it("throws a retryable dependency error when the failure draw falls under the failure rate", async () => {
    const gateway = mockPaymentGateway({ ...calm, failureRate: 0.1 }, { random: draws(0.5, 0.05) });
    const error = await failureOf(gateway.charge(chargeFor()));
    expect(isAppError(error) && error.code === "DEPENDENCY_UNAVAILABLE" && error.retryable).toBe(true);
  });

  it("answers a repeated idempotency key with the first answer and no new charge decision", async () => {
    const gateway = mockPaymentGateway({ ...calm, declineRate: 0.5 }, { random: draws(0.5, 0.9, 0.9) });
    const request = chargeFor();
    const first = await gateway.charge(request);
    // The random source is exhausted: a second decision would throw.
    expect(await gateway.charge(request)).toEqual(first);
  });

  it("does not remember a failed charge, so a retry gets a fresh decision", async () => {
    const gateway = mockPaymentGateway({ ...calm, failureRate: 0.5 }, { random: draws(0.5, 0.1, 0.5, 0.9, 0.9) });
    const request = chargeFor();
    await failureOf(gateway.charge(request));
    expect((await gateway.charge(request)).status).toBe("approved");
  });

  describe("sandbox inputs ignore the configured rates", () => {
    const alwaysApproving = () => mockPaymentGateway(calm);

    it.each([
      ["customer prefix", { customerId: `${sandboxInputs.declineCustomerPrefix}-7` }],
      ["amount", { amountCents: sandboxInputs.declineAmountCents }],
    ])("declines by %s", async (_, overrides) => {
      expect(await alwaysApproving().charge(chargeFor(overrides))).toEqual({ status: "declined", reason: "insufficient_funds" });
    });

    it.each([
      ["customer prefix", { customerId: `${sandboxInputs.gatewayErrorCustomerPrefix}-7` }],
      ["amount", { amountCents: sandboxInputs.gatewayErrorAmountCents }],
    ])("fails by %s", async (_, overrides) => {
      const error = await failureOf(alwaysApproving().charge(chargeFor(overrides)));
      expect(isAppError(error) && error.code).toBe("DEPENDENCY_UNAVAILABLE");
    });
  });
});

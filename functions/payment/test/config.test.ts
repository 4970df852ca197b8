import { describe, expect, it } from "vitest";
import { loadPaymentConfig } from "../src/config.ts";

const links = {
  PaymentTransactions: { name: "payment-transactions" },
  PaymentResultsTopic: { arn: "arn:aws:sns:us-east-1:000000000000:payment-results" },
};

describe("payment processor configuration", () => {
  it("defaults to a calm gateway and reads the linked table and topic", () => {
    expect(loadPaymentConfig({}, links)).toEqual({
      gateway: { latencyMs: 100, jitterMs: 50, declineRate: 0.02, failureRate: 0 },
      initDelayMs: 0,
      fraudRounds: 0,
      transactionsTable: "payment-transactions",
      resultsTopicArn: links.PaymentResultsTopic.arn,
    });
  });

  it("reads the chaos knobs from the environment", () => {
    const env = {
      PAYMENT_GATEWAY_LATENCY_MS: "250",
      PAYMENT_GATEWAY_JITTER_MS: "0",
      PAYMENT_DECLINE_RATE: "0.3",
      PAYMENT_FAILURE_RATE: "0.1",
      PAYMENT_INIT_DELAY_MS: "3000",
      PAYMENT_FRAUD_ROUNDS: "2000",
    };
    expect(loadPaymentConfig(env, links)).toMatchObject({
      gateway: { latencyMs: 250, jitterMs: 0, declineRate: 0.3, failureRate: 0.1 },
      initDelayMs: 3000,
      fraudRounds: 2000,
    });
  });

  it("refuses a rate outside 0..1, naming the variable", () => {
    expect(() => loadPaymentConfig({ PAYMENT_FAILURE_RATE: "1.5" }, links)).toThrow(/PAYMENT_FAILURE_RATE/);
  });

  it("refuses to start without the topic link, naming it", () => {
    expect(() => loadPaymentConfig({}, { PaymentTransactions: links.PaymentTransactions })).toThrow(/PaymentResultsTopic/);
  });
});

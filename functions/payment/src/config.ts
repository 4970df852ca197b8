import { tables, topics } from "@cloudcafe/catalog";
import { type MockGatewayConfig, readEnvironment, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "payment processor";

const rate = z.coerce.number().min(0).max(1);
const milliseconds = z.coerce.number().int().min(0);

/** Environment of the payment processor; every variable is optional and defaults to a calm gateway. */
const envSchema = z.object({
  PAYMENT_GATEWAY_LATENCY_MS: milliseconds.default(100),
  PAYMENT_GATEWAY_JITTER_MS: milliseconds.default(50),
  PAYMENT_DECLINE_RATE: rate.default(0.02),
  PAYMENT_FAILURE_RATE: rate.default(0),
  /** Extra module-init time, to reproduce heavy cold starts (the cold-start avalanche scenario). */
  PAYMENT_INIT_DELAY_MS: milliseconds.default(0),
  /** SHA-256 rounds of the fraud screen per payment (its CPU cost); 0 skips it. */
  PAYMENT_FRAUD_ROUNDS: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The SST links the function needs (infra links `PaymentTransactions` and `PaymentResultsTopic`). */
const linksSchema = z.object({
  [tables.paymentTransactions.resource]: z.object({ name: z.string().min(1) }),
  [topics.paymentResults.resource]: z.object({ arn: z.string().min(1) }),
});

export interface PaymentConfig {
  gateway: MockGatewayConfig;
  initDelayMs: number;
  fraudRounds: number;
  transactionsTable: string;
  resultsTopicArn: string;
}

/**
 * Reads and validates the configuration once, at module init; a bad value fails the cold start with a message
 * naming the variable instead of failing every payment later.
 */
export function loadPaymentConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): PaymentConfig {
  const vars = readEnvironment(SERVICE, envSchema, env);
  const linked = readLinks(SERVICE, linksSchema, resources);
  return {
    gateway: {
      latencyMs: vars.PAYMENT_GATEWAY_LATENCY_MS,
      jitterMs: vars.PAYMENT_GATEWAY_JITTER_MS,
      declineRate: vars.PAYMENT_DECLINE_RATE,
      failureRate: vars.PAYMENT_FAILURE_RATE,
    },
    initDelayMs: vars.PAYMENT_INIT_DELAY_MS,
    fraudRounds: vars.PAYMENT_FRAUD_ROUNDS,
    transactionsTable: linked[tables.paymentTransactions.resource].name,
    resultsTopicArn: linked[topics.paymentResults.resource].arn,
  };
}

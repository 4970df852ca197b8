import { randomUUID } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { PaymentResult } from "@cloudcafe/core";
import { loadLoyaltyServiceConfig, type LoyaltyServiceConfig } from "../src/config.ts";
import { createLoyaltyApp } from "../src/app.ts";
import { createLoyaltyRuntime, type LoyaltyRuntime } from "../src/runtime.ts";

export const OPERATOR_TOKEN = "loyalty-test-operator-token";

/** This run's configuration (the global setup's database, Redis and warehouse), with the test operator token. */
export function testConfig(overrides: Partial<LoyaltyServiceConfig> = {}): LoyaltyServiceConfig {
  return { ...loadLoyaltyServiceConfig(), operatorToken: OPERATOR_TOKEN, ...overrides };
}

export interface LoyaltyFixture {
  runtime: LoyaltyRuntime;
  app: ReturnType<typeof createLoyaltyApp>;
  close(): Promise<void>;
}

/** The Loyalty app on the real engines, wired as its server wires it (no seeding, no schedule). */
export function loyaltyFixture(overrides: Partial<LoyaltyServiceConfig> = {}): LoyaltyFixture {
  const runtime = createLoyaltyRuntime(testConfig(overrides));
  const app = createLoyaltyApp(runtime);
  return { runtime, app, close: () => runtime.close() };
}

/** A customer id no other test uses. */
export const aCustomer = (label = "cust") => `${label}-${randomUUID().slice(0, 12)}`;
export const anOrderId = () => `ord_${randomUUID().replaceAll("-", "")}`;

const json = { "content-type": "application/json" };
const asOperator = { ...json, authorization: `Bearer ${OPERATOR_TOKEN}` };

/** `POST /api/loyalty/accrue` with any body (a text as it is), as the operator unless `token` says otherwise (`null`: none). */
export function postAccrue(app: LoyaltyFixture["app"], body: unknown, token: string | null = OPERATOR_TOKEN) {
  return app.request("/api/loyalty/accrue", {
    method: "POST",
    headers: token === null ? json : { ...json, authorization: `Bearer ${token}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const getPoints = (app: LoyaltyFixture["app"], customerId: string) => app.request(`/api/loyalty/points/${encodeURIComponent(customerId)}`);

export function operatorRequest(app: LoyaltyFixture["app"], path: string, init: { method?: string; body?: unknown } = {}) {
  return app.request(path, { method: init.method ?? "GET", headers: asOperator, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
}

// Answers are JSON; tests assert on their shape.
export const bodyOf = async (res: Response): Promise<any> => res.json();

export function aPaymentResult(overrides: Partial<PaymentResult> = {}): PaymentResult {
  return {
    type: "PaymentResult",
    orderId: anOrderId(),
    customerId: aCustomer(),
    paymentId: `pay_${randomUUID()}`,
    outcome: "CAPTURED",
    amountCents: 1_250,
    currency: "USD",
    processedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** An SQS event as Lambda delivers it, one record per body (a receive count above 1 is a redelivery). */
export function sqsEvent(bodies: readonly unknown[], receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: randomUUID(),
        receiptHandle: randomUUID(),
        body: typeof body === "string" ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: String(Date.now()),
          SenderId: "test",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:loyalty-payment-results-queue",
        awsRegion: "us-east-1",
      }),
    ),
  };
}

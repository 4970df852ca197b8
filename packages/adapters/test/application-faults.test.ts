/**
 * The application faults do what their registry entries say, through the real SDK and the real adapters: the
 * DynamoDB throttling middleware makes calls to DynamoDB Local fail with the exception DynamoDB throttles with, after
 * the SDK's own retries; the payment gateway behind a failed NAT gateway times out; both count their metric; an
 * expired entry is no fault.
 */
import { DynamoDBClient, ListTablesCommand, ProvisionedThroughputExceededException, ThrottlingException } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { type ActiveApplicationFaultEntry, AppError, type ApplicationFaultSource, activeEntry, type ChargeRequest } from "@cloudcafe/core";
import { createMetrics } from "@cloudcafe/observability";
import { mockPaymentGateway } from "../src/payment/mock-payment-gateway.ts";
import { paymentGatewayBehindEgress } from "../src/chaos/egress-failure.ts";
import { throttleDynamoDbUnderFault } from "../src/chaos/dynamodb-throttling.ts";
import { countThrottledAttempts } from "../src/aws/dynamodb-throttle-metrics.ts";

/** The fault document as the control plane serves it, held in memory: what the adapters read, without a server. */
function faultDocument(entries: Record<string, Omit<ActiveApplicationFaultEntry, "injectionId" | "expiresAt"> & { expiresInMs?: number }>): ApplicationFaultSource {
  const document = Object.fromEntries(
    Object.entries(entries).map(([id, entry]) => [id, { injectionId: `test-${id}`, expiresAt: new Date(Date.now() + (entry.expiresInMs ?? 60_000)).toISOString(), parameters: entry.parameters }]),
  );
  return { active: async (id) => activeEntry(document, id, new Date()) };
}

const emitted: Record<string, unknown>[] = [];
const metrics = createMetrics({ namespace: "CloudCafe/Platform", service: "test", write: (line) => emitted.push(JSON.parse(line)) });
const clients: DynamoDBClient[] = [];

function dynamo(faults: ApplicationFaultSource, random?: () => number): DynamoDBClient {
  const client = new DynamoDBClient({
    // The root test setup puts the local platform's endpoints in every test process's environment.
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });
  countThrottledAttempts(client, metrics);
  throttleDynamoDbUnderFault(client, { faults, ...(random ? { random } : {}) });
  clients.push(client);
  return client;
}

afterAll(() => clients.forEach((client) => client.destroy()));

describe("dynamodb-throttling", () => {
  it("fails every attempt with ProvisionedThroughputExceededException at 100%, after the SDK's own retries", async () => {
    const client = dynamo(faultDocument({ "dynamodb-throttling": { parameters: { percent: 100 } } }));
    const before = emitted.length;
    const failure = await client.send(new ListTablesCommand({})).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProvisionedThroughputExceededException);
    const metadata = (failure as ProvisionedThroughputExceededException).$metadata;
    expect(metadata.httpStatusCode).toBe(400);
    // maxAttempts 3: the SDK retried the throttling error twice, with its back-off in between.
    expect(metadata.attempts).toBe(3);
    expect(metadata.totalRetryDelay).toBeGreaterThan(0);
    // Each throttled attempt counted, though the caller sees one failure.
    expect(emitted.slice(before).filter((line) => line.DynamoDBThrottles === 1)).toHaveLength(3);
  });

  it("answers ThrottlingException when told to, and a retry that is not throttled reaches the table", async () => {
    const draws = [0.1, 0.9];
    const client = dynamo(faultDocument({ "dynamodb-throttling": { parameters: { percent: 50, error: "ThrottlingException" } } }), () => draws.shift() ?? 0.9);
    const before = emitted.length;
    const answer = await client.send(new ListTablesCommand({}));
    expect(answer.$metadata.attempts).toBe(2);
    // The retry hid the throttle from the caller, not from the count.
    expect(emitted.slice(before).filter((line) => line.DynamoDBThrottles === 1)).toHaveLength(1);
    expect(answer.TableNames).toBeInstanceOf(Array);

    const always = dynamo(faultDocument({ "dynamodb-throttling": { parameters: { percent: 100, error: "ThrottlingException" } } }));
    await expect(always.send(new ListTablesCommand({}))).rejects.toBeInstanceOf(ThrottlingException);
  });

  it("does nothing when the fault is not in force or has expired", async () => {
    const expired = dynamo(faultDocument({ "dynamodb-throttling": { parameters: { percent: 100 }, expiresInMs: -1 } }));
    expect((await expired.send(new ListTablesCommand({}))).$metadata.attempts).toBe(1);
  });
});

describe("nat-gateway-failure", () => {
  const calm = mockPaymentGateway({ latencyMs: 0, jitterMs: 0, declineRate: 0, failureRate: 0 });
  const charge: ChargeRequest = { idempotencyKey: "k-1", customerId: "c-1", amountCents: 450, currency: "USD" };

  it("makes the charge time out as a retryable dependency failure and counts PaymentGatewayErrors", async () => {
    const gateway = paymentGatewayBehindEgress(calm, { faults: faultDocument({ "nat-gateway-failure": { parameters: { timeoutMs: 50 } } }), metrics });
    const started = performance.now();
    const failure = await gateway.charge(charge).catch((error: unknown) => error);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE", retryable: true });
    expect(emitted.some((line) => line.PaymentGatewayErrors === 1 && line.Operation === "Charge")).toBe(true);
  });

  it("lets charges through when the fault is not in force", async () => {
    const gateway = paymentGatewayBehindEgress(calm, { faults: faultDocument({}), metrics });
    expect((await gateway.charge(charge)).status).toBe("approved");
  });
});

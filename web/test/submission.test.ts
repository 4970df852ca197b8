import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { ApiError } from "../src/api/errors.ts";
import { newSubmission, submitOrder } from "../src/orders/submission.ts";
import { order } from "./factories.ts";
import { type HttpStub, startHttpStub } from "./http-stub.ts";

let stub: HttpStub;
const waits: number[] = [];
const noWait = async (ms: number) => {
  waits.push(ms);
};
const request = { customerId: "customer-1", storeId: "store-sea-001", items: [{ sku: "ESP-003", size: "grande" as const, quantity: 1, options: [] }] };
const overloaded = { status: 503, body: { error: { code: "OVERLOADED", message: "busy" } } };

beforeAll(async () => {
  stub = await startHttpStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.seen.length = 0;
  waits.length = 0;
});

describe("submitting an order", () => {
  it("gives every submit its own idempotency key", () => {
    expect(newSubmission(request).idempotencyKey).not.toBe(newSubmission(request).idempotencyKey);
  });

  it("retries a retryable failure with the same key and the same body", async () => {
    stub.reply(overloaded, { status: 502, body: "<html>Bad Gateway</html>" }, { status: 201, body: order() });
    const submission = newSubmission(request);

    const response = await submitOrder(createApiClient({ baseUrl: stub.baseUrl }), submission, { sleep: noWait });

    expect(response.status).toBe(201);
    expect(stub.seen.map((seen) => seen.headers["idempotency-key"])).toEqual([submission.idempotencyKey, submission.idempotencyKey, submission.idempotencyKey]);
    expect(new Set(stub.seen.map((seen) => seen.body)).size).toBe(1);
    expect(waits).toEqual([500, 1000]);
  });

  it("waits at least as long as the server's Retry-After", async () => {
    stub.reply({ ...overloaded, headers: { "retry-after": "3" } }, { status: 201, body: order() });
    await submitOrder(createApiClient({ baseUrl: stub.baseUrl }), newSubmission(request), { sleep: noWait });
    expect(waits).toEqual([3000]);
  });

  it("does not retry a rejected order", async () => {
    stub.reply({ status: 400, body: { error: { code: "VALIDATION_FAILED", message: "Order cannot be priced" } } }, { status: 201, body: order() });
    const error = await submitOrder(createApiClient({ baseUrl: stub.baseUrl }), newSubmission(request), { sleep: noWait }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(stub.seen).toHaveLength(1);
  });

  it("gives up after the last attempt with the last error, so the user can retry the same submit", async () => {
    stub.reply(overloaded, overloaded, overloaded);
    const error = await submitOrder(createApiClient({ baseUrl: stub.baseUrl }), newSubmission(request), { sleep: noWait, attempts: 3 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "OVERLOADED", retryable: true });
    expect(stub.seen).toHaveLength(3);
  });
});

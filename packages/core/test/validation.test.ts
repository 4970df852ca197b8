import { describe, expect, it } from "vitest";
import { isAppError, isInvalidInput, paymentRequestedSchema, parseJsonOrThrow, parseOrThrow } from "../src/index.ts";

const failureOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return isAppError(error) ? { code: error.code, retryable: error.retryable, message: error.message, details: error.details } : error;
  }
  return expect.unreachable("input should have been rejected");
};

const request = { type: "PaymentRequested", orderId: "ord_1", customerId: "cust-1", amountCents: 450, currency: "USD" };

describe("reading a message or a body", () => {
  it("returns the typed value for a valid body", () => {
    expect(parseJsonOrThrow(paymentRequestedSchema, JSON.stringify(request), "payment request")).toEqual(request);
  });

  it("rejects a body that is not JSON as malformed and final, naming what it was", () => {
    const failure = failureOf(() => parseJsonOrThrow(paymentRequestedSchema, "{not json", "payment request"));
    expect(failure).toMatchObject({ code: "MALFORMED_JSON", retryable: false, message: "Payment request is not valid JSON" });
  });

  it("rejects a body of the wrong shape as final, naming the offending field", () => {
    const body = JSON.stringify({ ...request, amountCents: 4.5 });
    expect(failureOf(() => parseJsonOrThrow(paymentRequestedSchema, body, "payment request"))).toMatchObject({
      code: "VALIDATION_FAILED",
      retryable: false,
      details: [expect.objectContaining({ path: "amountCents" })],
    });
  });

  it("names the root when the value itself is wrong, and tells input errors from system errors", () => {
    let caught: unknown;
    try {
      parseOrThrow(paymentRequestedSchema, "text", "payment request");
    } catch (error) {
      caught = error;
    }
    expect(isInvalidInput(caught)).toBe(true);
    expect((caught as { details: unknown }).details).toEqual([expect.objectContaining({ path: "(root)" })]);
    expect(isInvalidInput(new Error("socket hang up"))).toBe(false);
  });
});

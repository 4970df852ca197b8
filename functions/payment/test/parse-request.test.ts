import { isAppError, parsePaymentRequested } from "@cloudcafe/core";
import { describe, expect, it } from "vitest";

const codeOf = (body: string) => {
  try {
    parsePaymentRequested(body);
  } catch (error) {
    return isAppError(error) ? { code: error.code, retryable: error.retryable, details: error.details } : error;
  }
  return expect.unreachable("body should have been rejected");
};

describe("reading a payment request", () => {
  it("returns the typed request for a valid body", () => {
    const body = { type: "PaymentRequested", orderId: "ord_1", customerId: "cust-1", amountCents: 450, currency: "USD" };
    expect(parsePaymentRequested(JSON.stringify(body))).toEqual(body);
  });

  it("rejects a body that is not JSON as malformed, not retryable", () => {
    expect(codeOf("{not json")).toMatchObject({ code: "MALFORMED_JSON", retryable: false });
  });

  it("rejects a body of the wrong shape, naming the offending field", () => {
    const body = JSON.stringify({ type: "PaymentRequested", orderId: "ord_1", customerId: "cust-1", amountCents: 4.5, currency: "USD" });
    expect(codeOf(body)).toMatchObject({ code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "amountCents" })] });
  });
});

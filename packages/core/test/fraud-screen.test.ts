import { describe, expect, it } from "vitest";
import { fraudScreenScore } from "../src/payment/fraud-screen.ts";

const request = { type: "PaymentRequested", orderId: "ord_1", customerId: "cust_1", amountCents: 450, currency: "USD" } as const;

describe("fraud screen", () => {
  it("scores from chained SHA-256 of the request (known answer, computed with Python's hashlib)", () => {
    // sha256^3("ord_1|cust_1|450|USD") starts be590541.
    expect(fraudScreenScore(request, 3)).toBe(0xbe590541 / 0x1_0000_0000);
  });

  it("differs with the amount, and stays in [0, 1)", () => {
    const other = fraudScreenScore({ ...request, amountCents: 451 }, 3);
    expect(other).not.toBe(fraudScreenScore(request, 3));
    expect(other).toBeGreaterThanOrEqual(0);
    expect(other).toBeLessThan(1);
  });
});

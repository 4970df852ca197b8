import { describe, expect, it } from "vitest";
import { newOrderId, requestFingerprint } from "../src/order/ids.ts";
import { ORDER_ID_PATTERN, createOrderSchema, idempotencyKeySchema } from "../src/order/schema.ts";
import { anOrderInput } from "./factories.ts";

describe("createOrderSchema", () => {
  it("accepts a valid order and defaults options to none", () => {
    const parsed = createOrderSchema.parse({ customerId: "c-1", storeId: "store-sea-001", items: [{ sku: "ESP-001", quantity: 1, size: "short" }] });
    expect(parsed.items[0]!.options).toEqual([]);
  });

  it.each([
    ["quantity 0", { items: [{ sku: "ESP-001", quantity: 0, size: "short" }] }],
    ["quantity 21", { items: [{ sku: "ESP-001", quantity: 21, size: "short" }] }],
    ["fractional quantity", { items: [{ sku: "ESP-001", quantity: 1.5, size: "short" }] }],
    ["no items", { items: [] }],
    ["unknown size", { items: [{ sku: "ESP-001", quantity: 1, size: "huge" }] }],
    ["malformed sku", { items: [{ sku: "latte", quantity: 1, size: "tall" }] }],
    ["empty customer", { customerId: "" }],
    ["customer with spaces", { customerId: "a b" }],
    ["unknown field", { coupon: "FREE" }],
  ])("rejects %s", (_name, overrides) => {
    expect(createOrderSchema.safeParse({ ...anOrderInput(), ...overrides }).success).toBe(false);
  });

  it("limits idempotency keys to printable ASCII up to 255 characters", () => {
    expect(idempotencyKeySchema.safeParse("retry-123").success).toBe(true);
    expect(idempotencyKeySchema.safeParse("has space").success).toBe(false);
    expect(idempotencyKeySchema.safeParse("x".repeat(256)).success).toBe(false);
  });
});

describe("order ids", () => {
  it("are UUIDv7s: well-formed, unique, and ordered by creation time", () => {
    const first = newOrderId(1_700_000_000_000);
    const second = newOrderId(1_700_000_000_001);
    expect(first).toMatch(ORDER_ID_PATTERN);
    expect(first[16]).toBe("7");
    expect(first < second).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newOrderId())).size).toBe(1000);
  });

  it("fingerprint requests independently of key order", () => {
    expect(requestFingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(requestFingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: 2 }));
  });
});

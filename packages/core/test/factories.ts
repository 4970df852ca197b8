import type { CreateOrderInput } from "../src/order/schema.ts";

/** A valid two-line order at the Seattle store; override what a test is about. */
export function anOrderInput(overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    customerId: "cust-42",
    storeId: "store-sea-001",
    items: [
      { sku: "ESP-003", quantity: 2, size: "grande", options: ["oat-milk", "extra-shot"] },
      { sku: "BAK-001", quantity: 1, size: "single", options: ["warmed"] },
    ],
    ...overrides,
  };
}

import { createHash } from "node:crypto";
import type { SyncItemInput } from "../src/menu/schema.ts";
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

/**
 * An item as the central catalog sends it to a menu sync, with a small image and its SHA-256 digest;
 * `image: "corrupt"` declares a digest the image does not have.
 */
export function aSyncItem(sku: string, options: { image?: "valid" | "corrupt" | "no-image" } = {}): SyncItemInput {
  const bytes = Buffer.alloc(64, sku);
  const sha256 = createHash("sha256").update(options.image === "corrupt" ? "something else" : bytes).digest("hex");
  return {
    sku,
    name: `Item ${sku}`,
    category: "espresso",
    prices: { tall: 425, grande: 495 },
    options: [{ code: "oat-milk", name: "Oat milk", priceCents: 70 }],
    taxClass: "beverage",
    ...(options.image === "no-image" ? {} : { image: { contentBase64: bytes.toString("base64"), sha256 } }),
  };
}

import type { Catalog, MenuItem, Order } from "../src/api/types.ts";

export function menuItem(overrides: Partial<MenuItem> = {}): MenuItem {
  return { sku: "ESP-003", name: "Caffè Latte", category: "espresso", prices: { tall: 425, grande: 495 }, options: ["oat-milk", "extra-shot"], taxClass: "beverage", ...overrides };
}

export function catalog(items: MenuItem[] = [menuItem(), menuItem({ sku: "BAK-001", name: "Butter Croissant", category: "bakery", prices: { single: 345 }, options: ["warmed"], taxClass: "prepared_food" })]): Catalog {
  return {
    items,
    options: [
      { code: "oat-milk", name: "Oat milk", priceCents: 70 },
      { code: "extra-shot", name: "Extra espresso shot", priceCents: 90 },
      { code: "warmed", name: "Warmed", priceCents: 0 },
    ],
    stores: [{ storeId: "store-sea-001", name: "Seattle Pike Place" }],
  };
}

export function order(overrides: Partial<Order> = {}): Order {
  return {
    orderId: `ord_${"0".repeat(31)}1`,
    customerId: "customer-1",
    storeId: "store-sea-001",
    status: "PENDING",
    items: [{ sku: "ESP-003", name: "Caffè Latte", size: "grande", quantity: 1, options: [], unitPriceCents: 495, lineTotalCents: 495 }],
    subtotalCents: 495,
    taxCents: 51,
    totalCents: 546,
    currency: "USD",
    version: 1,
    createdAt: "2026-01-01T08:00:00.000Z",
    updatedAt: "2026-01-01T08:00:00.000Z",
    ...overrides,
  };
}

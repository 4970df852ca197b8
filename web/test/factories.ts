import type { MenuItem, Order, Store } from "../src/api/types.ts";
import { createMenuBook, type MenuBook } from "../src/menu/menu-book.ts";

const option = (code: string, name: string, priceCents: number) => ({ code, name, priceCents });

export function menuItem(overrides: Partial<MenuItem> = {}): MenuItem {
  return {
    sku: "ESP-003",
    name: "Caffè Latte",
    category: "espresso",
    prices: { tall: 425, grande: 495 },
    options: [option("oat-milk", "Oat milk", 70), option("extra-shot", "Extra espresso shot", 90)],
    taxClass: "beverage",
    ...overrides,
  };
}

export function store(overrides: Partial<Store> = {}): Store {
  return {
    storeId: "store-sea-001",
    name: "Seattle Pike Place",
    city: "Seattle",
    timeZone: "America/Los_Angeles",
    openingHours: [{ day: "mon", opens: "06:00", closes: "20:00" }],
    taxRates: { beverage: 0.1035, prepared_food: 0.1035 },
    open: true,
    ...overrides,
  };
}

/** A menu book holding a latte and a croissant, as if both categories had been shown. */
export function menuBook(
  items: MenuItem[] = [
    menuItem(),
    menuItem({ sku: "BAK-001", name: "Butter Croissant", category: "bakery", prices: { single: 345 }, options: [option("warmed", "Warmed", 0)], taxClass: "prepared_food" }),
  ],
): MenuBook {
  const book = createMenuBook([store()]);
  for (const category of new Set(items.map((item) => item.category))) book.setCategory(category, items.filter((item) => item.category === category));
  return book;
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

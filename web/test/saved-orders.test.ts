import { describe, expect, it } from "vitest";
import type { TrackedOrder } from "../src/orders/order-list.ts";
import { MAX_SAVED_ORDERS, SAVED_ORDERS_KEY, loadCustomer, loadOrders, saveCustomer, saveOrders } from "../src/orders/saved-orders.ts";
import { order } from "./factories.ts";

const memoryStorage = (initial: Record<string, string> = {}) => {
  const values = new Map(Object.entries(initial));
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
};
const tracked = (n: number): TrackedOrder => ({ order: order({ orderId: `ord_${String(n).padStart(32, "0")}` }), traceId: "a".repeat(32), replayed: false, tracking: "polling" });

describe("saved orders", () => {
  it("round-trips the newest orders, at most the cap", () => {
    const storage = memoryStorage();
    const orders = Array.from({ length: MAX_SAVED_ORDERS + 5 }, (_, i) => tracked(i));
    saveOrders(storage, orders);
    expect(loadOrders(storage)).toEqual(orders.slice(0, MAX_SAVED_ORDERS));
  });

  it("starts empty when nothing, or nothing readable, was saved", () => {
    expect(loadOrders(memoryStorage())).toEqual([]);
    expect(loadOrders(memoryStorage({ [SAVED_ORDERS_KEY]: "{not json" }))).toEqual([]);
    expect(loadOrders(memoryStorage({ [SAVED_ORDERS_KEY]: JSON.stringify({ orders: [] }) }))).toEqual([]);
  });

  it("leaves out entries that are not orders", () => {
    const storage = memoryStorage({ [SAVED_ORDERS_KEY]: JSON.stringify([tracked(1), { order: { orderId: 7 } }, null]) });
    expect(loadOrders(storage)).toEqual([tracked(1)]);
  });

  it("remembers the customer the tab orders as, none at first", () => {
    const storage = memoryStorage();
    expect(loadCustomer(storage)).toBeUndefined();
    saveCustomer(storage, "ana");
    expect(loadCustomer(storage)).toBe("ana");
  });
});

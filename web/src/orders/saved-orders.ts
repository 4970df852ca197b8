import type { TrackedOrder } from "./order-list.ts";

/** This tab's orders survive a reload mid-demo (sessionStorage: per tab, gone when it closes). */
export const SAVED_ORDERS_KEY = "cloudcafe.orders";
/** Enough for a demo; older orders are dropped so the panel stays readable. */
export const MAX_SAVED_ORDERS = 25;

/** The customer this tab orders as, so a reload shows the same customer's timeline. */
export const SAVED_CUSTOMER_KEY = "cloudcafe.customer";

export type OrderStorage = Pick<Storage, "getItem" | "setItem">;

function looksTracked(value: unknown): value is TrackedOrder {
  if (typeof value !== "object" || value === null) return false;
  const { order, traceId } = value as Partial<TrackedOrder>;
  return typeof traceId === "string" && typeof order?.orderId === "string" && typeof order.status === "string" && Array.isArray(order.items);
}

export function saveOrders(storage: OrderStorage, orders: readonly TrackedOrder[]): void {
  storage.setItem(SAVED_ORDERS_KEY, JSON.stringify(orders.slice(0, MAX_SAVED_ORDERS)));
}

/** The saved orders, newest first; anything unreadable (an older console's format, a hand edit) is left out. */
export function loadOrders(storage: OrderStorage): TrackedOrder[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(SAVED_ORDERS_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(looksTracked) : [];
  } catch {
    return [];
  }
}

export function saveCustomer(storage: OrderStorage, customerId: string): void {
  storage.setItem(SAVED_CUSTOMER_KEY, customerId);
}

export function loadCustomer(storage: OrderStorage): string | undefined {
  return storage.getItem(SAVED_CUSTOMER_KEY) ?? undefined;
}

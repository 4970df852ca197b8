import type { PaidTotals } from "./ports.ts";

/** One store whose warehouse totals differ from the order database's. */
export interface Mismatch {
  storeId: string;
  warehouse: Omit<PaidTotals, "storeId">;
  orders: Omit<PaidTotals, "storeId">;
}

/**
 * Compares per store the paid orders and revenue the warehouse holds with those of the orders paid (captured) in the order
 * database over the same period: the analytics pipeline neither lost nor double counted a payment.
 */
export function reconcilePaidTotals(warehouse: readonly PaidTotals[], orders: readonly PaidTotals[]): Mismatch[] {
  const zero = { ordersPaid: 0, revenueCents: 0 };
  const byStore = (rows: readonly PaidTotals[]) => new Map(rows.map(({ storeId, ...totals }) => [storeId, totals]));
  const inWarehouse = byStore(warehouse);
  const inOrders = byStore(orders);
  const stores = [...new Set([...inWarehouse.keys(), ...inOrders.keys()])].sort();
  return stores.flatMap((storeId) => {
    const fromWarehouse = inWarehouse.get(storeId) ?? zero;
    const fromOrders = inOrders.get(storeId) ?? zero;
    const same = fromWarehouse.ordersPaid === fromOrders.ordersPaid && fromWarehouse.revenueCents === fromOrders.revenueCents;
    return same ? [] : [{ storeId, warehouse: fromWarehouse, orders: fromOrders }];
  });
}

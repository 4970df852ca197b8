import { postgresPaidOrderTotals, type Database } from "@cloudcafe/adapters";
import { reconcilePaidTotals, windowStartOf, type AnalyticsWarehousePort, type Mismatch } from "@cloudcafe/core";

export interface ReconciliationReport {
  check: "analytics-paid-orders";
  from: string;
  to: string;
  stores: number;
  mismatches: Mismatch[];
}

/**
 * Paid orders and revenue per store in the analytics warehouse against the orders paid (captured) in the order database, over a
 * period rounded out to whole windows (the warehouse counts a payment in the minute it happened).
 */
export async function reconcileAnalyticsWithOrders(
  deps: { database: Database; warehouse: AnalyticsWarehousePort },
  period: { fromMs: number; toMs: number },
): Promise<ReconciliationReport> {
  const fromMs = windowStartOf(period.fromMs);
  const toMs = windowStartOf(period.toMs + 59_999);
  const [inWarehouse, inOrders] = await Promise.all([deps.warehouse.paidTotals(fromMs, toMs), postgresPaidOrderTotals(deps.database, fromMs, toMs)]);
  const stores = new Set([...inWarehouse, ...inOrders].map((totals) => totals.storeId)).size;
  return { check: "analytics-paid-orders", from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), stores, mismatches: reconcilePaidTotals(inWarehouse, inOrders) };
}

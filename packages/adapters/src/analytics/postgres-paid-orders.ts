import { and, count, gte, lt, sql } from "drizzle-orm";
import type { PaidTotals } from "@cloudcafe/core";
import type { Database } from "../postgres/client.ts";
import { orders } from "../order/order.sql.ts";

/**
 * The order database's side of the reconciliation: per store, the orders whose payment was captured (`paid_at`, kept
 * as they move on to the barista's stages or are refunded) in [fromMs, toMs), and their revenue: what the warehouse
 * counts from OrderPaid events.
 */
export async function postgresPaidOrderTotals(database: Database, fromMs: number, toMs: number): Promise<PaidTotals[]> {
  const rows = await database.db
    .select({ storeId: orders.storeId, ordersPaid: count(), revenueCents: sql<string>`coalesce(sum(${orders.totalCents}), 0)` })
    .from(orders)
    .where(and(gte(orders.paidAt, new Date(fromMs).toISOString()), lt(orders.paidAt, new Date(toMs).toISOString())))
    .groupBy(orders.storeId)
    .orderBy(orders.storeId);
  return rows.map((row) => ({ storeId: row.storeId, ordersPaid: Number(row.ordersPaid), revenueCents: Number(row.revenueCents) }));
}

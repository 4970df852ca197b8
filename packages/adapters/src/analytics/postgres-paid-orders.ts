import { and, count, eq, gte, lt, sql } from "drizzle-orm";
import type { PaidTotals } from "@cloudcafe/core";
import type { Database } from "../postgres/client.ts";
import { orders } from "../order/order.sql.ts";

/**
 * The order database's side of the reconciliation: per store, the PAID orders whose payment (the last change of a
 * PAID order, so `updated_at`: PAID is final) falls in [fromMs, toMs), and their revenue.
 */
export async function postgresPaidOrderTotals(database: Database, fromMs: number, toMs: number): Promise<PaidTotals[]> {
  const rows = await database.db
    .select({ storeId: orders.storeId, ordersPaid: count(), revenueCents: sql<string>`coalesce(sum(${orders.totalCents}), 0)` })
    .from(orders)
    .where(and(eq(orders.status, "PAID"), gte(orders.updatedAt, new Date(fromMs).toISOString()), lt(orders.updatedAt, new Date(toMs).toISOString())))
    .groupBy(orders.storeId)
    .orderBy(orders.storeId);
  return rows.map((row) => ({ storeId: row.storeId, ordersPaid: Number(row.ordersPaid), revenueCents: Number(row.revenueCents) }));
}

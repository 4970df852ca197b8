import type { StoreSummary, StoreWindow } from "./schema.ts";

/** A window as the worker writes it: the contribution of one shard (a store moves to a child shard on resharding). */
export interface ShardWindow extends StoreWindow {
  sourceShard: string;
}

/** Paid orders and revenue of one store over a period, as the warehouse or the order database counts them. */
export interface PaidTotals {
  storeId: string;
  ordersPaid: number;
  revenueCents: number;
}

/** The analytics warehouse (Redshift's star schema), as the worker writes it and the read API and reconciliation read it. */
export interface AnalyticsWarehousePort {
  /** Creates the schema's tables when missing. */
  prepare(): Promise<void>;
  /** Answers when the warehouse does (readiness). */
  ping(): Promise<void>;
  /** Replaces each (store, window, shard) with the given one, all in one transaction. */
  writeWindows(windows: readonly ShardWindow[]): Promise<void>;
  /** A store's windows starting in [fromMs, toMs), summed over shards, in time order. */
  storeWindows(storeId: string, fromMs: number, toMs: number): Promise<StoreWindow[]>;
  /** Every store's totals over windows starting in [fromMs, toMs). */
  summary(fromMs: number, toMs: number): Promise<StoreSummary[]>;
  /** Paid orders and revenue per store over windows starting in [fromMs, toMs), synthetic rows left out. */
  paidTotals(fromMs: number, toMs: number): Promise<PaidTotals[]>;
}

import type { CounterChange } from "./messages.ts";
import type { ReservationLine, ReserveResult, SettleResult, StockLevel, StockUpdate, StoreStatus } from "./schema.ts";

export interface StoreStockSnapshot {
  storeId: string;
  status: StoreStatus;
  /** Ordered by SKU (code-unit order, as DynamoDB sorts the table's sort key), whichever store answers. */
  items: StockLevel[];
}

export interface StockChangeRecord {
  changeId: string;
  update: StockUpdate;
  /** Fingerprint of the request, kept with its Idempotency-Key to catch a key reused with another body. */
  fingerprint: string;
  changedAt: string;
}

export interface AppliedStockChange {
  level: StockLevel;
  changeId: string;
  /** True when the Idempotency-Key had already applied this change: `level` is what it left then. */
  replayed: boolean;
  /** The fingerprint stored with the key (differs from the request's when the key was reused with another body). */
  storedFingerprint: string;
}

export interface NewReservation {
  orderId: string;
  storeId: string;
  lines: ReservationLine[];
  expiresAt: string;
}

/**
 * The source of truth (DynamoDB `store-inventory`), written only through condition expressions: stock never goes
 * below what is reserved, a reservation takes every line or none, and each reservation is settled once.
 */
export interface StockLedger {
  storeStock(storeId: string): Promise<StoreStockSnapshot | undefined>;
  /** Applies one update; NOT_FOUND for a store or SKU not stocked, CONFLICT when it would leave less than is reserved. */
  applyUpdate(change: StockChangeRecord, idempotencyKey: string | undefined): Promise<AppliedStockChange>;
  reserve(reservation: NewReservation): Promise<ReserveResult>;
  commit(orderId: string, at: string): Promise<SettleResult>;
  release(orderId: string, reason: string, at: string): Promise<SettleResult>;
  /** Puts a committed order's units back (a cancelled order not made); a held one is released instead. */
  returnStock(orderId: string, reason: string, at: string): Promise<SettleResult>;
  /** Order ids of reservations still held at `now` past their expiry. */
  expiredReservations(now: string, limit: number): Promise<string[]>;
  /** Writes each given store and its stock unless the table already holds that store; how many it wrote. */
  seedMissingStores(stores: readonly StoreStockSnapshot[]): Promise<number>;
}

/** The MemoryDB copy of the stock, kept by the table's stream; read first, never the authority. */
export interface StockCounters {
  /** The store as the counters know it, or undefined when they hold nothing for it. */
  storeStock(storeId: string): Promise<StoreStockSnapshot | undefined>;
  /** Applies one stream record; `stale` when the counters already hold that version or a newer one. */
  apply(change: CounterChange): Promise<"applied" | "stale">;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until a token is back, when refused. */
  retryAfterSeconds: number;
}

export interface TokenBucketSpec {
  /** Tokens the bucket holds when full: the burst allowed. */
  capacity: number;
  refillPerSecond: number;
}

/** Token buckets (MemoryDB). */
export interface RateLimiter {
  take(bucket: string, spec: TokenBucketSpec): Promise<RateLimitDecision>;
}



import { randomUUID } from "node:crypto";
import { AppError } from "../errors.ts";
import { starterMenuItems, starterStores } from "../menu/starter.ts";
import { requestFingerprint } from "../order/ids.ts";
import type { RateLimiter, StockCounters, StockLedger, StoreStockSnapshot, TokenBucketSpec } from "./ports.ts";
import { mergeLines, type ReservationRequest, type ReserveResult, type SettleResult, type StockUpdate, type StockUpdateResult, type StoreStock } from "./schema.ts";

/** Reservations outlive an unpaid order by this much before the sweeper gives their stock back. */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 15 * 60 * 1000;

export interface InventoryRateLimits {
  /** `POST /api/inventory/update`, per store. */
  updates: TokenBucketSpec;
  /** Reservations, per store (an order burst at one store cannot starve the others). */
  reservations: TokenBucketSpec;
}

export const defaultInventoryRateLimits: InventoryRateLimits = {
  updates: { capacity: 20, refillPerSecond: 5 },
  reservations: { capacity: 500, refillPerSecond: 200 },
};

export interface InventoryServiceDeps {
  ledger: StockLedger;
  counters: StockCounters;
  limiter: RateLimiter;
  limits?: InventoryRateLimits;
  reservationTimeoutMs?: number;
  clock?: () => Date;
  /** Where a store read was served from; `counters-down` when MemoryDB failed and the table answered. */
  onRead?: (source: "counters" | "table" | "counters-down") => void;
  /** A rate limit that could not be checked (MemoryDB down): the request goes through, and this reports it. */
  onLimiterUnavailable?: (error: unknown) => void;
}

const withSource = (snapshot: StoreStockSnapshot, source: StoreStock["source"]): StoreStock => ({
  ...snapshot,
  items: [...snapshot.items].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
  source,
});

export function createInventoryService(deps: InventoryServiceDeps) {
  const now = () => (deps.clock ?? (() => new Date()))();
  const limits = deps.limits ?? defaultInventoryRateLimits;
  const timeoutMs = deps.reservationTimeoutMs ?? DEFAULT_RESERVATION_TIMEOUT_MS;

  /** Refuses with RATE_LIMITED when the bucket is empty; a limiter that cannot answer lets the request through. */
  async function limit(bucket: string, spec: TokenBucketSpec): Promise<void> {
    const decision = await deps.limiter.take(bucket, spec).catch((error: unknown) => {
      deps.onLimiterUnavailable?.(error);
      return undefined;
    });
    if (decision && !decision.allowed) {
      throw new AppError("RATE_LIMITED", `Too many requests for ${bucket}; retry in ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }

  /** The counters first; the table when they are down or know nothing of the store (not yet streamed, or unknown). */
  async function storeStock(storeId: string): Promise<StoreStock> {
    let countersDown = false;
    const counted = await deps.counters.storeStock(storeId).catch(() => {
      countersDown = true;
      return undefined;
    });
    if (counted) {
      deps.onRead?.("counters");
      return withSource(counted, "counters");
    }
    const stored = await deps.ledger.storeStock(storeId);
    if (!stored) throw new AppError("NOT_FOUND", `Store ${storeId} has no inventory`);
    deps.onRead?.(countersDown ? "counters-down" : "table");
    return withSource(stored, "table");
  }

  async function updateStock(update: StockUpdate, idempotencyKey?: string): Promise<StockUpdateResult> {
    await limit(`update:${update.storeId}`, limits.updates);
    const fingerprint = requestFingerprint(update);
    const applied = await deps.ledger.applyUpdate({ changeId: randomUUID(), update, fingerprint, changedAt: now().toISOString() }, idempotencyKey);
    if (applied.replayed && applied.storedFingerprint !== fingerprint) {
      throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request body");
    }
    return { storeId: update.storeId, level: applied.level, changeId: applied.changeId, replayed: applied.replayed };
  }

  async function reserve(request: ReservationRequest): Promise<ReserveResult> {
    await limit(`reserve:${request.storeId}`, limits.reservations);
    const expiresAt = new Date(now().getTime() + timeoutMs).toISOString();
    return deps.ledger.reserve({ orderId: request.orderId, storeId: request.storeId, lines: mergeLines(request.lines), expiresAt });
  }

  const commit = (orderId: string): Promise<SettleResult> => deps.ledger.commit(orderId, now().toISOString());
  const release = (orderId: string, reason: string): Promise<SettleResult> => deps.ledger.release(orderId, reason, now().toISOString());
  const returnStock = (orderId: string, reason: string): Promise<SettleResult> => deps.ledger.returnStock(orderId, reason, now().toISOString());

  /** Releases every reservation held past its timeout (a pass of the sweeper); how many it released. */
  async function releaseExpired(batch = 100): Promise<number> {
    let released = 0;
    for (;;) {
      const expired = await deps.ledger.expiredReservations(now().toISOString(), batch);
      const outcomes = await Promise.all(expired.map((orderId) => release(orderId, "reservation timed out")));
      const fresh = outcomes.filter((result) => result.outcome === "released").length;
      released += fresh;
      if (expired.length < batch || fresh === 0) return released;
    }
  }

  /** The starter stores the table does not hold yet (a fresh stage or laptop), each stocking the starter menu; how many. */
  const loadStarterStock = (): Promise<number> => deps.ledger.seedMissingStores(starterStock());

  return { storeStock, updateStock, reserve, commit, release, returnStock, releaseExpired, loadStarterStock };
}

export type InventoryService = ReturnType<typeof createInventoryService>;

/** 200-500 units of every starter item in every starter store (a busy day's orders), the same on every machine. */
export function starterStock(): StoreStockSnapshot[] {
  return starterStores.map((store, storeIndex) => ({
    storeId: store.storeId,
    status: "open",
    items: starterMenuItems.map((item, itemIndex) => {
      const onHand = 200 + ((storeIndex * 37 + itemIndex * 53) % 301);
      return { sku: item.sku, onHand, reserved: 0, available: onHand, version: 1 };
    }),
  }));
}

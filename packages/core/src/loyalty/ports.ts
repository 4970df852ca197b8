import type { PointsWindow } from "./points.ts";
import type { LedgerEntry, LoyaltyTier, TierRun, TierRunTrigger } from "./schema.ts";

/** A customer's loyalty account as stored: profile, balance, tier and the rolling window of monthly points. */
export interface LoyaltyAccount {
  customerId: string;
  displayName: string | null;
  balance: number;
  tier: LoyaltyTier;
  window: PointsWindow;
}

/** One order's accrual, as the ledger will hold it. */
export interface AccrualClaim {
  customerId: string;
  orderId: string;
  amountCents: number;
  points: number;
  accruedAt: string;
}

export type AccrueOutcome =
  | { outcome: "accrued"; entry: LedgerEntry; account: LoyaltyAccount }
  /** The order already has its ledger entry (as first written); nothing changed. */
  | { outcome: "exists"; entry: LedgerEntry; account: LoyaltyAccount };

/** Users and the append-only points ledger (PostgreSQL). */
export interface LoyaltyRepository {
  account(customerId: string): Promise<LoyaltyAccount | undefined>;
  /** Newest first. */
  latestEntries(customerId: string, limit: number): Promise<LedgerEntry[]>;
  /**
   * In one transaction with the customer's row locked (created when new): unless (customer, order) already has its
   * ledger entry, appends it and stores `apply(account)`. Concurrent accruals of one customer run one after another.
   */
  accrue(claim: AccrualClaim, apply: (account: LoyaltyAccount) => LoyaltyAccount): Promise<AccrueOutcome>;
  /** Creates the customer's user row when new; a given display name replaces the stored one. */
  saveProfile(customerId: string, displayName: string | undefined): Promise<void>;
}

export interface StoredSession {
  customerId: string;
  createdAt: string;
}

/**
 * Console sessions (Redis, the architecture's "user sessions" cache), keyed by a digest of the opaque id so the
 * store never holds a usable cookie value. Each read renews the TTL (sliding expiry).
 */
export interface SessionStore {
  save(key: string, session: StoredSession, ttlSeconds: number): Promise<void>;
  /** The session with its TTL reset, or undefined once it expired or was removed. */
  renew(key: string, ttlSeconds: number): Promise<StoredSession | undefined>;
  remove(key: string): Promise<void>;
}

/** The recalculation runs, one row each (PostgreSQL). */
export interface TierRunStore {
  /** Starts a run unless one runs already (false) or `runId` exists (the existing run is returned). */
  begin(run: { runId: string; trigger: TierRunTrigger; asOfMonth: number; startedAt: string }): Promise<{ started: true } | { started: false; existing?: TierRun }>;
  finish(runId: string, result: { finishedAt: string; records: number; changed: number; digest: string }): Promise<void>;
  fail(runId: string, error: string, finishedAt: string): Promise<void>;
  markExported(runId: string, at: string): Promise<void>;
  get(runId: string): Promise<TierRun | undefined>;
  latest(limit: number): Promise<TierRun[]>;
}

/** Customers and points per tier, as a run counted them. */
export interface TierAggregate {
  tier: LoyaltyTier;
  customers: number;
  pointsBalance: number;
  rollingPoints: number;
}

/** Where each run's aggregates go (Redshift through the Data API): per day, replaced by the day's latest run. */
export interface TierAggregatesWarehouse {
  write(run: { runId: string; startedAt: string }, aggregates: readonly TierAggregate[]): Promise<void>;
}

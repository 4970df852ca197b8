import { createHash } from "node:crypto";
import { loyaltyTiers, type LoyaltyTier, rollingPoints, type TierAggregate, type TierThresholds, WINDOW_MONTHS } from "@cloudcafe/core";

/**
 * The batch's in-memory core: one chunk of users as PostgreSQL's COPY text sends them (the columns of
 * `TIER_BATCH_COLUMNS`, tab-separated, one row a line) in, the tiers recomputed as of a month, out the rows whose
 * tier changed, the chunk's aggregates and a SHA-256 chain over (customer, rolling points, tier) in row order.
 * It reads bytes in place (no row objects, no strings but the changed rows' ids), so a pool thread does several
 * hundred thousand rows a second.
 */

export const TIER_BATCH_COLUMNS = ["customer_id", "version", "tier", "window_month", "monthly_points", "points_balance"] as const;

export interface TierChunkTask {
  rows: Uint8Array;
  asOfMonth: number;
  thresholds: TierThresholds;
}

export interface TierChunkResult {
  records: number;
  /** The rows whose stored tier differs from the computed one, with the version they were read at. */
  changed: { customerIds: string[]; tiers: LoyaltyTier[]; versions: number[] };
  aggregates: TierAggregate[];
  /** Hex SHA-256 chain over the chunk's records (empty chunk: ""). */
  digest: string;
}

const TAB = 9;
const NEWLINE = 10;
const COMMA = 44;
const CLOSE_BRACE = 125;
const MINUS = 45;
const tierBytes = loyaltyTiers.map((tier) => Buffer.from(tier));
/** The tiers' first letters differ (B, S, G, P), so a stored tier is known by its first byte. */
const tierByFirstByte = new Int8Array(256).fill(-1);
for (const [i, tier] of loyaltyTiers.entries()) tierByFirstByte[tier.charCodeAt(0)] = i;

export function computeTierChunk({ rows, asOfMonth, thresholds }: TierChunkTask): TierChunkResult {
  const bytes = Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
  const buckets = new Int32Array(WINDOW_MONTHS);
  const counts = new Float64Array(loyaltyTiers.length);
  const balances = new Float64Array(loyaltyTiers.length);
  const rolling = new Float64Array(loyaltyTiers.length);
  const limits = loyaltyTiers.map((tier) => thresholds[tier]);
  const changed: TierChunkResult["changed"] = { customerIds: [], tiers: [], versions: [] };
  let digest: Buffer | undefined;
  let records = 0;
  let at = 0;
  const end = bytes.length;

  // Reads a (possibly negative) integer at `at`, leaving `at` on the byte after it.
  const int = () => {
    let negative = false;
    if (bytes[at] === MINUS) {
      negative = true;
      at += 1;
    }
    let value = 0;
    for (let byte = bytes[at]!; byte >= 48 && byte <= 57; byte = bytes[++at]!) value = value * 10 + (byte - 48);
    return negative ? -value : value;
  };

  while (at < end) {
    const idStart = at;
    while (bytes[at] !== TAB) at += 1;
    const idEnd = at;
    at += 1;
    const version = int();
    at += 1;
    const stored = tierByFirstByte[bytes[at]!];
    while (bytes[at] !== TAB) at += 1;
    at += 1;
    const windowMonth = int();
    at += 2; // the tab and the array's opening brace
    buckets.fill(0);
    for (let i = 0; i < WINDOW_MONTHS && bytes[at] !== CLOSE_BRACE; i += 1) {
      buckets[i] = int();
      if (bytes[at] === COMMA) at += 1;
    }
    at += 2; // the closing brace and the tab
    const balance = int();
    at += 1; // the newline
    if (bytes[at - 1] !== NEWLINE) throw new Error(`Unexpected COPY row layout near byte ${at}`);

    const points = rollingPoints(windowMonth, buckets, asOfMonth);
    let tier = 0;
    for (let i = 1; i < limits.length; i += 1) if (points >= limits[i]!) tier = i;
    counts[tier]! += 1;
    balances[tier]! += balance;
    rolling[tier]! += points;
    const hash = createHash("sha256");
    if (digest) hash.update(digest);
    digest = hash.update(bytes.subarray(idStart, idEnd)).update(`\t${points}\t`).update(tierBytes[tier]!).digest();
    if (stored !== tier) {
      changed.customerIds.push(bytes.toString("utf8", idStart, idEnd));
      changed.tiers.push(loyaltyTiers[tier]!);
      changed.versions.push(version);
    }
    records += 1;
  }
  return {
    records,
    changed,
    aggregates: loyaltyTiers.map((tier, i) => ({ tier, customers: counts[i]!, pointsBalance: balances[i]!, rollingPoints: rolling[i]! })),
    digest: digest ? digest.toString("hex") : "",
  };
}

/** Adds `more` into `total`, tier by tier. */
export function addAggregates(total: TierAggregate[], more: readonly TierAggregate[]): void {
  for (const [i, aggregate] of more.entries()) {
    total[i]!.customers += aggregate.customers;
    total[i]!.pointsBalance += aggregate.pointsBalance;
    total[i]!.rollingPoints += aggregate.rollingPoints;
  }
}

export const emptyAggregates = (): TierAggregate[] => loyaltyTiers.map((tier) => ({ tier, customers: 0, pointsBalance: 0, rollingPoints: 0 }));

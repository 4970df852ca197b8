import { createHash } from "node:crypto";
// The module itself, not the package index: a pool thread loads the rules and nothing else.
import { loyaltyTiers, type LoyaltyTier, rollingPoints, type TierThresholds, WINDOW_MONTHS } from "@cloudcafe/core/loyalty/points";
import type { TierAggregate } from "@cloudcafe/core/loyalty/ports";

/**
 * The batch's in-memory core: one chunk of users as PostgreSQL's COPY text sends them (the columns of
 * `TIER_BATCH_COLUMNS`, tab-separated, one row a line) in, the tiers recomputed as of a month, out the rows whose
 * tier changed, the chunk's aggregates and the SHA-256 of its audit lines (customer, rolling points, tier) in row
 * order, which the run chains chunk to chunk.
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
  /** Hex SHA-256 over the chunk's audit lines `<customer>\t<rolling points>\t<tier>\n` in row order (empty chunk: ""). */
  digest: string;
}

const TAB = 9;
const NEWLINE = 10;
const COMMA = 44;
const CLOSE_BRACE = 125;
const MINUS = 45;
const tierBytes = loyaltyTiers.map((tier) => Buffer.from(`\t${tier}\n`));
/** An audit line is at most an id (64 bytes of UTF-8 letters), a 10-digit number, a tier and three separators. */
const MAX_AUDIT_LINE = 64 * 4 + 32;
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
  // The audit lines are written into one buffer and hashed once: a single SHA-256 per chunk, not one per record.
  let audit = Buffer.allocUnsafe(Math.max(1024, bytes.length));
  let auditLength = 0;
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
    if (auditLength + MAX_AUDIT_LINE > audit.length) {
      const larger = Buffer.allocUnsafe(audit.length * 2);
      audit.copy(larger, 0, 0, auditLength);
      audit = larger;
    }
    auditLength += bytes.copy(audit, auditLength, idStart, idEnd);
    audit[auditLength++] = TAB;
    auditLength += audit.write(String(points), auditLength, "latin1");
    auditLength += tierBytes[tier]!.copy(audit, auditLength);
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
    digest: records === 0 ? "" : createHash("sha256").update(audit.subarray(0, auditLength)).digest("hex"),
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

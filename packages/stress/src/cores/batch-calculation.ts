import { sha256Hex, seededRandom } from "./hashing.ts";

/**
 * Batch calculation (Loyalty service): the hourly job that recomputes every customer's points and tier and
 * writes a SHA-256 audit trail. Records are generated from their index, so a chunk of any size is processed
 * without the batch ever being held in memory, and the result does not depend on how chunks were spread.
 */

export const BATCH_FULL_SCALE_RECORDS = 10_000_000;

export const tiers = ["BRONZE", "SILVER", "GOLD", "PLATINUM"] as const;
export type Tier = (typeof tiers)[number];

export interface CustomerRecord {
  customerId: string;
  /** Spend per month for the last 12 months, oldest first, in cents. */
  monthlySpendCents: number[];
  visitsLast90Days: number;
  memberForMonths: number;
}

export interface TierResult {
  points: number;
  tier: Tier;
}

const TIER_THRESHOLDS: readonly [Tier, number][] = [
  ["PLATINUM", 5000],
  ["GOLD", 2000],
  ["SILVER", 500],
];
/** Platinum is for regulars: points alone are not enough without a visit every three days. */
const PLATINUM_MIN_VISITS = 30;
const STREAK_MONTHS_FOR_BONUS = 3;
const STREAK_MULTIPLIER = 1.5;
const TENURE_MONTHS_FOR_BONUS = 24;
const TENURE_BONUS_POINTS = 500;

/** One point per whole dollar, 1.5 points once a customer has spent three months in a row, plus tenure. */
export function calculateTier(record: CustomerRecord): TierResult {
  let points = 0;
  let streak = 0;
  for (const spendCents of record.monthlySpendCents) {
    streak = spendCents > 0 ? streak + 1 : 0;
    const multiplier = streak >= STREAK_MONTHS_FOR_BONUS ? STREAK_MULTIPLIER : 1;
    points += Math.floor((Math.floor(spendCents / 100) * multiplier));
  }
  if (record.memberForMonths >= TENURE_MONTHS_FOR_BONUS) points += TENURE_BONUS_POINTS;
  let tier: Tier = "BRONZE";
  for (const [candidate, threshold] of TIER_THRESHOLDS) {
    if (points >= threshold) {
      tier = candidate;
      break;
    }
  }
  if (tier === "PLATINUM" && record.visitsLast90Days < PLATINUM_MIN_VISITS) tier = "GOLD";
  return { points, tier };
}

export function customerRecord(index: number): CustomerRecord {
  const random = seededRandom(index);
  const spender = random();
  return {
    customerId: `customer-${index}`,
    monthlySpendCents: Array.from({ length: 12 }, () => (random() < 0.2 ? 0 : Math.floor(random() * spender * 60_000))),
    visitsLast90Days: Math.floor(random() * 60),
    memberForMonths: Math.floor(random() * 72),
  };
}

export interface BatchChunkResult {
  from: number;
  records: number;
  points: number;
  tierCounts: Record<Tier, number>;
  /** Last link of the chunk's audit chain: each record's hash covers the previous one. */
  auditDigest: string;
}

export function emptyTierCounts(): Record<Tier, number> {
  return { BRONZE: 0, SILVER: 0, GOLD: 0, PLATINUM: 0 };
}

export function calculateBatchChunk(from: number, count: number): BatchChunkResult {
  const tierCounts = emptyTierCounts();
  let points = 0;
  let auditDigest = "";
  for (let index = from; index < from + count; index += 1) {
    const record = customerRecord(index);
    const result = calculateTier(record);
    tierCounts[result.tier] += 1;
    points += result.points;
    auditDigest = sha256Hex(`${auditDigest}|${record.customerId}|${result.points}|${result.tier}`);
  }
  return { from, records: count, points, tierCounts, auditDigest };
}

/** Records per unit when the batch runs under a CPU target: small enough to keep a slice responsive. */
const RECORDS_PER_UNIT = 50;

/** One unit of batch work: the `seed`-th run of 50 customers. */
export function batchCalculationUnit(seed: number): BatchChunkResult {
  return calculateBatchChunk((seed * RECORDS_PER_UNIT) % BATCH_FULL_SCALE_RECORDS, RECORDS_PER_UNIT);
}

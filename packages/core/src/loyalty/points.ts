/** The loyalty tiers, lowest first (here, not in schema.ts, so the batch's threads load no zod). */
export const loyaltyTiers = ["BRONZE", "SILVER", "GOLD", "PLATINUM"] as const;
export type LoyaltyTier = (typeof loyaltyTiers)[number];

/** Rolling 12-month points a customer needs for each tier (BRONZE is everyone's). */
export type TierThresholds = Readonly<Record<LoyaltyTier, number>>;

/**
 * The points rules, pure: points per whole dollar, a rolling 12-month window of points per calendar month (UTC),
 * and the tier those points reach. The accrual and the hourly batch both use them, so they cannot disagree.
 */

export const WINDOW_MONTHS = 12;

/** Months since January 1970, UTC: the window's unit. */
export function monthIndex(at: Date): number {
  return at.getUTCFullYear() * 12 + at.getUTCMonth() - 1970 * 12;
}

export function pointsFor(amountCents: number, pointsPerDollar: number): number {
  return Math.floor(amountCents / 100) * pointsPerDollar;
}

/**
 * Points per month for the 12 months ending at `lastMonth`, as a ring: month m is at `m % 12`. A month older than
 * `lastMonth - 11` has no bucket any more, so the window never grows.
 */
export interface PointsWindow {
  readonly lastMonth: number;
  readonly buckets: readonly number[];
}

export const emptyWindow = (month: number): PointsWindow => ({ lastMonth: month, buckets: new Array<number>(WINDOW_MONTHS).fill(0) });

/** The window with `points` added in `month` (a month before the window's end counts in its own bucket if still inside). */
export function addPoints(window: PointsWindow, month: number, points: number): PointsWindow {
  const buckets = [...window.buckets];
  let lastMonth = window.lastMonth;
  if (month > lastMonth) {
    // Months that fell out of the window are cleared before their buckets are reused.
    for (let m = Math.max(lastMonth + 1, month - WINDOW_MONTHS + 1); m <= month; m += 1) buckets[m % WINDOW_MONTHS] = 0;
    lastMonth = month;
  }
  if (month > lastMonth - WINDOW_MONTHS) buckets[month % WINDOW_MONTHS] = (buckets[month % WINDOW_MONTHS] ?? 0) + points;
  return { lastMonth, buckets };
}

/** Points earned in the 12 months ending at `asOfMonth` (this month included). */
export function rollingPoints(lastMonth: number, buckets: ArrayLike<number>, asOfMonth: number): number {
  let sum = 0;
  const from = Math.max(asOfMonth - WINDOW_MONTHS + 1, lastMonth - WINDOW_MONTHS + 1);
  for (let m = from; m <= Math.min(lastMonth, asOfMonth); m += 1) sum += buckets[m % WINDOW_MONTHS] ?? 0;
  return sum;
}

/** The highest tier whose threshold the points reach. */
export function tierFor(points: number, thresholds: TierThresholds): LoyaltyTier {
  let tier: LoyaltyTier = "BRONZE";
  for (const candidate of loyaltyTiers) if (points >= thresholds[candidate]) tier = candidate;
  return tier;
}

/** The next tier up and how many points it still needs; null at the top. */
export function nextTier(points: number, thresholds: TierThresholds): { tier: LoyaltyTier; pointsNeeded: number } | null {
  for (const candidate of loyaltyTiers) {
    if (thresholds[candidate] > points) return { tier: candidate, pointsNeeded: thresholds[candidate] - points };
  }
  return null;
}

/** Thresholds must rise with the tier, from BRONZE at 0; a config that breaks this stops the start. */
export function tierThresholdsError(thresholds: TierThresholds): string | undefined {
  if (thresholds.BRONZE !== 0) return "BRONZE must start at 0 points";
  for (let i = 1; i < loyaltyTiers.length; i += 1) {
    if (!(thresholds[loyaltyTiers[i]!] > thresholds[loyaltyTiers[i - 1]!])) return `${loyaltyTiers[i]} must need more points than ${loyaltyTiers[i - 1]}`;
  }
  return undefined;
}

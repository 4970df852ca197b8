import { z } from "zod";

import { loyaltyTiers } from "./points.ts";

export type { LoyaltyTier, TierThresholds } from "./points.ts";
export const loyaltyTierSchema = z.enum(loyaltyTiers);

const identifier = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "must be letters, digits, '_', '.', ':' or '-'");

export const customerIdSchema = identifier;
export const loyaltyOrderIdSchema = identifier;

/** The largest single accrual accepted: an order of $100,000 is a typo or an attack, not a coffee. */
export const MAX_ACCRUAL_CENTS = 10_000_000;

export const accrueRequestSchema = z
  .strictObject({
    customerId: customerIdSchema,
    orderId: loyaltyOrderIdSchema,
    amountCents: z.number().int().min(0).max(MAX_ACCRUAL_CENTS),
  })
  .meta({ id: "AccrueRequest", description: "A paid order's amount; points accrue once per (customer, order)." });
export type AccrueRequest = z.infer<typeof accrueRequestSchema>;

export const accrualSchema = z
  .object({
    customerId: z.string(),
    orderId: z.string(),
    pointsEarned: z.number().int(),
    balance: z.number().int().describe("The balance right after this order's points (the same on every replay)."),
    tier: loyaltyTierSchema,
    replayed: z.boolean().describe("True when this order had already accrued: nothing was added."),
  })
  .meta({ id: "Accrual" });
export type Accrual = z.infer<typeof accrualSchema>;

export const ledgerEntrySchema = z
  .object({
    orderId: z.string(),
    amountCents: z.number().int(),
    points: z.number().int(),
    balanceAfter: z.number().int(),
    accruedAt: z.iso.datetime(),
  })
  .meta({ id: "LedgerEntry" });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const pointsSummarySchema = z
  .object({
    customerId: z.string(),
    displayName: z.string().nullable(),
    balance: z.number().int(),
    tier: loyaltyTierSchema,
    rollingPoints: z.number().int().describe("Points earned in the last 12 calendar months (this one included): what the tier is from."),
    nextTier: loyaltyTierSchema.nullable(),
    pointsToNextTier: z.number().int().nullable(),
    latestEntries: z.array(ledgerEntrySchema),
  })
  .meta({ id: "PointsSummary" });
export type PointsSummary = z.infer<typeof pointsSummarySchema>;

export const createSessionSchema = z
  .strictObject({
    customerId: customerIdSchema,
    displayName: z.string().trim().min(1).max(80).optional(),
  })
  .meta({ id: "CreateSession", description: "Signs a customer in to the console (a demo sign-in: no password)." });
export type CreateSessionInput = z.infer<typeof createSessionSchema>;

export const sessionSchema = z
  .object({ customerId: z.string(), expiresAt: z.iso.datetime().describe("Sliding: every use moves it 30 minutes on.") })
  .meta({ id: "Session" });
export type SessionView = z.infer<typeof sessionSchema>;

export const tierRunTriggers = ["schedule", "operator", "local-schedule"] as const;
export type TierRunTrigger = (typeof tierRunTriggers)[number];

export const tierRunSchema = z
  .object({
    runId: z.string(),
    trigger: z.enum(tierRunTriggers),
    status: z.enum(["running", "succeeded", "failed"]),
    asOfMonth: z.number().int().describe("Months since January 1970 (UTC) the rolling window ends at."),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    records: z.number().int(),
    changed: z.number().int(),
    digest: z.string().nullable().describe("SHA-256 chained over every record in customer order: the run's audit trail."),
    aggregatesExportedAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: "TierRun" });
export type TierRun = z.infer<typeof tierRunSchema>;

export const startTierRunSchema = z
  .strictObject({
    runId: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/).optional(),
    trigger: z.enum(["operator", "schedule"]).default("operator").describe("Who asks: an operator, or the hourly schedule's function."),
  })
  .meta({ id: "StartTierRun", description: "`runId` makes a retried trigger (a schedule's) start the run once." });

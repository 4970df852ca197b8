import { sql } from "drizzle-orm";
import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

/**
 * The loyalty context's users: profile, points balance, tier, and the points of the last 12 calendar months as a ring
 * (`monthly_points[m % 12]` holds month m for the 12 months ending at `window_month`), which the tier is from.
 */
export const loyaltyUsers = pgTable("users", {
  customerId: text("customer_id").primaryKey(),
  displayName: text("display_name"),
  pointsBalance: integer("points_balance").notNull().default(0),
  tier: text("tier").notNull().default("BRONZE"),
  windowMonth: integer("window_month").notNull(),
  monthlyPoints: integer("monthly_points").array().notNull(),
  /** Bumped by every accrual, so the batch writes a tier back only over the row it computed it from. */
  version: integer("version").notNull().default(0),
  tierUpdatedAt: timestamptz("tier_updated_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

/** Append-only: one entry per (customer, order), so a redelivered or replayed payment can never add points twice. */
export const loyaltyLedger = pgTable(
  "loyalty_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    customerId: text("customer_id")
      .notNull()
      .references(() => loyaltyUsers.customerId),
    orderId: text("order_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    points: integer("points").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    accruedAt: timestamptz("accrued_at").notNull(),
  },
  (t) => [uniqueIndex("loyalty_ledger_customer_order_key").on(t.customerId, t.orderId), index("loyalty_ledger_customer_id_idx").on(t.customerId, t.id)],
);

/** One row per tier recalculation; at most one `running` at a time (the partial unique index). */
export const loyaltyTierRuns = pgTable(
  "loyalty_tier_runs",
  {
    runId: text("run_id").primaryKey(),
    trigger: text("trigger").notNull(),
    status: text("status").notNull(),
    asOfMonth: integer("as_of_month").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    finishedAt: timestamptz("finished_at"),
    records: integer("records").notNull().default(0),
    changed: integer("changed").notNull().default(0),
    digest: text("digest"),
    aggregatesExportedAt: timestamptz("aggregates_exported_at"),
    error: text("error"),
  },
  (t) => [uniqueIndex("loyalty_tier_runs_one_running").on(t.status).where(sql`status = 'running'`), index("loyalty_tier_runs_started_idx").on(t.startedAt)],
);

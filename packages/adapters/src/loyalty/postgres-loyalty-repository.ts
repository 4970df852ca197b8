import { and, desc, eq, sql as raw } from "drizzle-orm";
import { emptyWindow, type LedgerEntry, type LoyaltyAccount, type LoyaltyRepository, type LoyaltyTier, monthIndex } from "@cloudcafe/core";
import { type Database, toIso } from "../postgres/client.ts";
import { loyaltyLedger, loyaltyUsers } from "./loyalty.sql.ts";

type UserRow = typeof loyaltyUsers.$inferSelect;
type LedgerRow = typeof loyaltyLedger.$inferSelect;

function toAccount(row: UserRow): LoyaltyAccount {
  return {
    customerId: row.customerId,
    displayName: row.displayName,
    balance: row.pointsBalance,
    tier: row.tier as LoyaltyTier,
    window: { lastMonth: row.windowMonth, buckets: row.monthlyPoints },
  };
}

function toEntry(row: LedgerRow): LedgerEntry {
  return { orderId: row.orderId, amountCents: row.amountCents, points: row.points, balanceAfter: row.balanceAfter, accruedAt: toIso(row.accruedAt) };
}

/** A new customer's row: no points, an empty window ending this month. */
function newUser(customerId: string, displayName: string | null, at: Date) {
  const window = emptyWindow(monthIndex(at));
  return { customerId, displayName, windowMonth: window.lastMonth, monthlyPoints: [...window.buckets] };
}

/** Users and the ledger in PostgreSQL; an accrual is one transaction holding the customer's row lock. */
export function postgresLoyaltyRepository({ db, transaction }: Database): LoyaltyRepository {
  return {
    async account(customerId) {
      const [row] = await db.select().from(loyaltyUsers).where(eq(loyaltyUsers.customerId, customerId));
      return row ? toAccount(row) : undefined;
    },

    async latestEntries(customerId, limit) {
      const rows = await db.select().from(loyaltyLedger).where(eq(loyaltyLedger.customerId, customerId)).orderBy(desc(loyaltyLedger.id)).limit(limit);
      return rows.map(toEntry);
    },

    async accrue(claim, apply) {
      return transaction(async (tx) => {
        await tx.insert(loyaltyUsers).values(newUser(claim.customerId, null, new Date(claim.accruedAt))).onConflictDoNothing();
        // The row lock orders concurrent accruals of one customer, duplicates included: the second sees the first's entry.
        const [locked] = await tx.select().from(loyaltyUsers).where(eq(loyaltyUsers.customerId, claim.customerId)).for("update");
        const account = toAccount(locked!);
        const [existing] = await tx
          .select()
          .from(loyaltyLedger)
          .where(and(eq(loyaltyLedger.customerId, claim.customerId), eq(loyaltyLedger.orderId, claim.orderId)));
        if (existing) return { outcome: "exists" as const, entry: toEntry(existing), account };
        const next = apply(account);
        const [entry] = await tx
          .insert(loyaltyLedger)
          .values({ ...claim, balanceAfter: next.balance })
          .returning();
        await tx
          .update(loyaltyUsers)
          .set({
            pointsBalance: next.balance,
            tier: next.tier,
            windowMonth: next.window.lastMonth,
            monthlyPoints: [...next.window.buckets],
            version: raw`${loyaltyUsers.version} + 1`,
            updatedAt: claim.accruedAt,
            ...(next.tier !== account.tier ? { tierUpdatedAt: claim.accruedAt } : {}),
          })
          .where(eq(loyaltyUsers.customerId, claim.customerId));
        return { outcome: "accrued" as const, entry: toEntry(entry!), account: next };
      });
    },

    async saveProfile(customerId, displayName) {
      const insert = db.insert(loyaltyUsers).values(newUser(customerId, displayName ?? null, new Date()));
      await (displayName === undefined
        ? insert.onConflictDoNothing()
        : insert.onConflictDoUpdate({ target: loyaltyUsers.customerId, set: { displayName, updatedAt: new Date().toISOString() } }));
    },
  };
}

import { desc, eq, sql as raw } from "drizzle-orm";
import type { TierRun, TierRunStore, TierRunTrigger } from "@cloudcafe/core";
import { type Database, toIso } from "../postgres/client.ts";
import { loyaltyTierRuns } from "./loyalty.sql.ts";

type RunRow = typeof loyaltyTierRuns.$inferSelect;

const isoOrNull = (value: string | null) => (value === null ? null : toIso(value));

function toRun(row: RunRow): TierRun {
  return {
    runId: row.runId,
    trigger: row.trigger as TierRunTrigger,
    status: row.status as TierRun["status"],
    asOfMonth: row.asOfMonth,
    startedAt: toIso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    records: row.records,
    changed: row.changed,
    digest: row.digest,
    aggregatesExportedAt: isoOrNull(row.aggregatesExportedAt),
    error: row.error,
  };
}

/**
 * Tier runs in PostgreSQL. One runs at a time across every instance (a partial unique index on `running`); a run
 * still `running` after `abandonedAfterMinutes` lost its process and is marked failed, so it blocks no later run.
 */
export function postgresTierRunStore({ db }: Database, options: { abandonedAfterMinutes?: number } = {}): TierRunStore {
  const abandonedAfter = `${options.abandonedAfterMinutes ?? 30} minutes`;
  const get = async (runId: string) => {
    const [row] = await db.select().from(loyaltyTierRuns).where(eq(loyaltyTierRuns.runId, runId));
    return row ? toRun(row) : undefined;
  };
  return {
    get,

    async begin(run) {
      await db
        .update(loyaltyTierRuns)
        .set({ status: "failed", error: "abandoned: its process stopped before it finished", finishedAt: raw`now()` })
        .where(raw`${loyaltyTierRuns.status} = 'running' AND ${loyaltyTierRuns.startedAt} < now() - ${abandonedAfter}::interval`);
      const existing = await get(run.runId);
      if (existing) return { started: false, existing };
      const inserted = await db
        .insert(loyaltyTierRuns)
        .values({ ...run, status: "running" })
        .onConflictDoNothing()
        .returning({ runId: loyaltyTierRuns.runId });
      if (inserted.length > 0) return { started: true };
      const raced = await get(run.runId);
      return raced ? { started: false, existing: raced } : { started: false };
    },

    async finish(runId, result) {
      await db
        .update(loyaltyTierRuns)
        .set({ status: "succeeded", ...result })
        .where(eq(loyaltyTierRuns.runId, runId));
    },

    async fail(runId, error, finishedAt) {
      await db.update(loyaltyTierRuns).set({ status: "failed", error, finishedAt }).where(eq(loyaltyTierRuns.runId, runId));
    },

    async markExported(runId, at) {
      await db.update(loyaltyTierRuns).set({ aggregatesExportedAt: at }).where(eq(loyaltyTierRuns.runId, runId));
    },

    async latest(limit) {
      const rows = await db.select().from(loyaltyTierRuns).orderBy(desc(loyaltyTierRuns.startedAt)).limit(limit);
      return rows.map(toRun);
    },
  };
}

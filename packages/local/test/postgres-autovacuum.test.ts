/**
 * The autovacuum stand-in on the test run's PostgreSQL: a table past autovacuum's threshold is vacuumed (its dead
 * tuples gone, its index scans no longer reading them), one below it is left alone.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { AUTOVACUUM_APPLICATION, AUTOVACUUM_IDLE_TIMEOUT_SECONDS, startAutovacuumStandIn, vacuumPass } from "../src/engines/postgres-autovacuum.ts";
import { waitUntil } from "../src/process/net.ts";
import { localPlatform } from "../src/testing/env.ts";

const { endpoints } = localPlatform();
const sql = postgres(endpoints.databaseUrl, { max: 1, onnotice: () => {} });
const suffix = randomBytes(4).toString("hex");
const churned = `vacuum_churned_${suffix}`;
const calm = `vacuum_calm_${suffix}`;

afterAll(async () => {
  await sql.unsafe(`DROP TABLE IF EXISTS ${churned}, ${calm}`);
  await sql.end();
});

const deadTuples = async (table: string) =>
  (await sql<{ dead: number }[]>`SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = ${table}`)[0]?.dead ?? 0;

/** Statistics reach pg_stat_user_tables within a second or so of the writing transaction's end (PostgreSQL 15). */
async function untilDeadTuples(table: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await deadTuples(table)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`${table} never showed ${atLeast} dead tuples`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the autovacuum stand-in", () => {
  it("vacuums a table whose dead tuples passed autovacuum's threshold, and leaves one below it alone", async () => {
    for (const table of [churned, calm]) {
      await sql.unsafe(`CREATE TABLE ${table} (id int PRIMARY KEY, delivered boolean NOT NULL DEFAULT false)`);
      await sql.unsafe(`CREATE INDEX ${table}_pending ON ${table} (id) WHERE NOT delivered`);
      await sql.unsafe(`INSERT INTO ${table} SELECT g FROM generate_series(1, 1000) g`);
    }
    // The outbox's pattern: every row marked delivered leaves its old version dead (1,000 dead > 50 + 20% of 1,000).
    await sql.unsafe(`UPDATE ${churned} SET delivered = true`);
    // 40 dead of 1,000 live: below the threshold.
    await sql.unsafe(`UPDATE ${calm} SET delivered = true WHERE id <= 40`);
    await untilDeadTuples(churned, 1000);
    await untilDeadTuples(calm, 40);

    const vacuumed = await vacuumPass(sql);

    const names = vacuumed.map((entry) => entry.table);
    expect(names).toContain(`public.${churned}`);
    expect(names).not.toContain(`public.${calm}`);
    expect(vacuumed.find((entry) => entry.table === `public.${churned}`)?.deadTuples).toBeGreaterThanOrEqual(1000);
    expect(await deadTuples(churned)).toBe(0);
    const [stats] = await sql<{ vacuumed: boolean; analyzed: boolean }[]>`
      SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = ${churned}`;
    expect(stats).toEqual({ vacuumed: true, analyzed: true });
    expect(await deadTuples(calm)).toBe(40);
  });

  it("holds no connection between its passes: the one a pass opened closes a few seconds after it", async (context) => {
    const standIn = await startAutovacuumStandIn({ databaseUrls: [endpoints.databaseUrl], intervalMs: 60_000 });
    try {
      if (!standIn.active) context.skip();
      const backends = async () =>
        (await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = ${AUTOVACUUM_APPLICATION} AND datname = current_database()`)[0]!.count;
      // The pass at start connected; it closes once idle for AUTOVACUUM_IDLE_TIMEOUT_SECONDS.
      await waitUntil("the first pass's connection", async () => (await backends()) === 1, 5_000, 50);
      await waitUntil("its connection closed while idle", async () => (await backends()) === 0, (AUTOVACUUM_IDLE_TIMEOUT_SECONDS + 5) * 1_000, 200);
    } finally {
      await standIn.stop();
    }
  });

  it("runs only when the server's own autovacuum is off", async () => {
    const [{ autovacuum } = { autovacuum: "" }] = await sql<{ autovacuum: string }[]>`SHOW autovacuum`;
    const standIn = await startAutovacuumStandIn({ databaseUrls: [endpoints.databaseUrl], intervalMs: 60_000 });
    try {
      expect(standIn.active).toBe(autovacuum === "off");
    } finally {
      await standIn.stop();
    }
  });
});

/**
 * Aurora PostgreSQL vacuums by itself (autovacuum is on, and AWS advises keeping it on); the machine's PostgreSQL
 * that stands in for it locally may have it off (this workplace's machines do). Without it every updated or deleted
 * row stays behind as a dead tuple, and the indexes keep pointing at them: measured here, the order service's outbox
 * claim read 159,000 dead index entries to find no pending row (160 ms a pass, 3% of a core with nothing to do) after
 * a few benchmark runs. So when the server's own autovacuum is off, `npm start` runs its policy on the platform's
 * databases: every `intervalMs`, a table whose dead tuples exceed 50 + 20% of its live ones (autovacuum's default
 * threshold and scale factor) gets `VACUUM (ANALYZE)`. When the server's autovacuum is on, this does nothing.
 */
import postgres from "postgres";

/** autovacuum_vacuum_threshold and autovacuum_vacuum_scale_factor, PostgreSQL's defaults. */
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE_FACTOR = 0.2;

export interface VacuumedTable {
  readonly table: string;
  readonly deadTuples: number;
}

/** One pass over a database: vacuums (and analyzes) every table past autovacuum's threshold, one at a time. */
export async function vacuumPass(sql: postgres.Sql): Promise<VacuumedTable[]> {
  const due = await sql<{ schema: string; table: string; dead: number }[]>`
    SELECT schemaname AS schema, relname AS table, n_dead_tup::int AS dead
    FROM pg_stat_user_tables
    WHERE n_dead_tup > ${VACUUM_THRESHOLD}::float8 + ${VACUUM_SCALE_FACTOR}::float8 * n_live_tup
    ORDER BY n_dead_tup DESC`;
  const vacuumed: VacuumedTable[] = [];
  for (const { schema, table, dead } of due) {
    // VACUUM cannot run in a transaction block: a simple statement on its own, identifiers quoted.
    await sql.unsafe(`VACUUM (ANALYZE) "${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`);
    vacuumed.push({ table: `${schema}.${table}`, deadTuples: dead });
  }
  return vacuumed;
}

export interface AutovacuumStandIn {
  /** Whether the stand-in runs (false: the server's autovacuum is on and does the work). */
  readonly active: boolean;
  stop(): Promise<void>;
}

/** How its connections name themselves to PostgreSQL, and how long one stays open after a pass. */
export const AUTOVACUUM_APPLICATION = "cloudcafe-autovacuum-stand-in";
export const AUTOVACUUM_IDLE_TIMEOUT_SECONDS = 5;

export async function startAutovacuumStandIn(options: {
  readonly databaseUrls: readonly string[];
  readonly intervalMs?: number;
  readonly onVacuumed?: (database: string, tables: readonly VacuumedTable[]) => void;
  readonly onError?: (error: unknown) => void;
}): Promise<AutovacuumStandIn> {
  // A pass a minute takes well under a second: its connections close 5 s after it rather than each holding a backend
  // (about 18 MB of RSS, mostly shared buffers mapped) between passes; the next pass connects again.
  const clients = options.databaseUrls.map((url) => ({
    name: new URL(url).pathname.slice(1),
    sql: postgres(url, { max: 1, idle_timeout: AUTOVACUUM_IDLE_TIMEOUT_SECONDS, connection: { application_name: AUTOVACUUM_APPLICATION }, onnotice: () => {} }),
  }));
  const [setting] = await clients[0]!.sql<{ autovacuum: string }[]>`SHOW autovacuum`;
  if (setting?.autovacuum !== "off") {
    await Promise.all(clients.map(({ sql }) => sql.end({ timeout: 1 })));
    return { active: false, stop: async () => {} };
  }
  let running: Promise<void> | undefined;
  const pass = () => {
    running ??= (async () => {
      for (const { name, sql } of clients) {
        const vacuumed = await vacuumPass(sql).catch((error: unknown) => {
          options.onError?.(error);
          return [];
        });
        if (vacuumed.length > 0) options.onVacuumed?.(name, vacuumed);
      }
    })().finally(() => {
      running = undefined;
    });
  };
  pass();
  const timer = setInterval(pass, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    active: true,
    async stop() {
      clearInterval(timer);
      await running;
      await Promise.all(clients.map(({ sql }) => sql.end({ timeout: 1 })));
    },
  };
}

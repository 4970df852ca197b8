import postgres from "postgres";
import { postgres as catalogPostgres } from "@cloudcafe/catalog";
import { dropDatabase, ensureDatabase, withDatabase } from "../engines/postgres.ts";
import { isProcessAlive } from "../process/alive.ts";

/**
 * Each test run gets a database of its own (`cloudcafe_t<pid>`) beside its own tables, queues and streams. The outbox
 * relay leases any pending row of its database, so runs sharing one database (parallel runs, or `npm start` beside a
 * run) would deliver each other's rows to their own streams and queues.
 */
const prefix = `${catalogPostgres.database}_t`;

export const runDatabaseName = (pid: number) => `${prefix}${pid}`;

/** Creates this run's database after dropping those of runs whose process is gone (a run killed before its teardown). */
export async function createRunDatabase(serverUrl: string, pid = process.pid): Promise<string> {
  await dropAbandonedRunDatabases(serverUrl);
  const database = runDatabaseName(pid);
  await ensureDatabase(serverUrl, database);
  return withDatabase(serverUrl, database);
}

export async function dropRunDatabase(serverUrl: string, pid = process.pid): Promise<void> {
  await dropDatabase(serverUrl, runDatabaseName(pid));
}

async function dropAbandonedRunDatabases(serverUrl: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  let names: string[];
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${prefix}%`}`;
    names = rows.map((row) => row.datname);
  } finally {
    await sql.end({ timeout: 1 });
  }
  const abandoned = names.filter((name) => {
    const pid = Number(name.slice(prefix.length));
    return Number.isInteger(pid) && !isProcessAlive(pid);
  });
  for (const name of abandoned) await dropDatabase(serverUrl, name);
}

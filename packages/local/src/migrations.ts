import postgres from "postgres";
import { migrateDatabase } from "@cloudcafe/adapters";

/** Any fixed key: every run of the platform takes the same session lock. */
const migrationLockKey = 7_246_120_001;

/**
 * Runs the adapters' `migrateDatabase` under a PostgreSQL advisory lock, so test runs and `npm start` starting at
 * the same moment migrate one after the other instead of racing on the same tables.
 */
export async function migrateLocalDatabase(databaseUrl: string): Promise<void> {
  const lock = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${migrationLockKey})`;
    await migrateDatabase(databaseUrl);
  } finally {
    await lock`select pg_advisory_unlock(${migrationLockKey})`.catch(() => {});
    await lock.end({ timeout: 5 });
  }
}

import postgres from "postgres";

type MigrateDatabase = (databaseUrl: string) => Promise<void>;

// Variable specifiers: the platform must start (and typecheck) while the migration module is still being written.
const adaptersEntry = "@cloudcafe/adapters";
const migrateModule = "@cloudcafe/adapters/postgres/migrate";

async function findMigrateDatabase(): Promise<MigrateDatabase | undefined> {
  for (const specifier of [adaptersEntry, migrateModule]) {
    const module: { migrateDatabase?: unknown } | undefined = await import(specifier).catch((error: { code?: string }) => {
      if (error.code === "ERR_MODULE_NOT_FOUND" || error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
      throw error;
    });
    if (typeof module?.migrateDatabase === "function") return module.migrateDatabase as MigrateDatabase;
  }
  return undefined;
}

/** Any fixed key: every run of the platform takes the same session lock. */
const migrationLockKey = 7_246_120_001;

/**
 * Runs the adapters' `migrateDatabase` under a PostgreSQL advisory lock, so test runs and `npm start` starting at
 * the same moment migrate one after the other instead of racing on the same tables.
 * Returns false when no migration function exists yet.
 */
export async function migrateLocalDatabase(databaseUrl: string): Promise<boolean> {
  const migrateDatabase = await findMigrateDatabase();
  if (!migrateDatabase) return false;
  const lock = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${migrationLockKey})`;
    await migrateDatabase(databaseUrl);
    return true;
  } finally {
    await lock`select pg_advisory_unlock(${migrationLockKey})`.catch(() => {});
    await lock.end({ timeout: 5 });
  }
}

/**
 * The database migrator: applies the one drizzle migration history to Aurora. Invoked by the deploy itself
 * (infra/functions.ts, `databaseMigration`) whenever the history changes, before the services that read the tables
 * start; safe to invoke again (applied migrations are skipped). `npm start` and the tests migrate the same way.
 */
import { migrateDatabase } from "@cloudcafe/adapters";
import { createLogger } from "@cloudcafe/observability";
import { loadMigratorConfig, type MigratorConfig } from "./config.ts";

const logger = createLogger({ service: "database-migrator" });

export interface MigrationResult {
  readonly migrated: true;
  readonly migrationsFolder: string;
  readonly durationMs: number;
}

export async function migrate(config: MigratorConfig): Promise<MigrationResult> {
  const started = Date.now();
  try {
    await migrateDatabase(config.database, config.migrationsFolder);
  } catch (error) {
    // The deploy's invocation fails with it, so the stage does not move on to services expecting new tables.
    logger.error("migration failed", { error, migrationsFolder: config.migrationsFolder });
    throw error;
  }
  const result = { migrated: true as const, migrationsFolder: config.migrationsFolder, durationMs: Date.now() - started };
  logger.info("database migrated", result);
  return result;
}

export const handler = (): Promise<MigrationResult> => migrate(loadMigratorConfig());

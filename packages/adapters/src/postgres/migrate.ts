import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { createDatabase, type DatabaseConnection } from "./client.ts";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Applies the drizzle-kit migrations (idempotent): those in packages/adapters/drizzle, or in `folder` where a bundle
 * carries them (the deployed migrator copies them beside its handler).
 */
export async function migrateDatabase(connection: DatabaseConnection | string, folder: string = migrationsFolder): Promise<void> {
  const database = createDatabase(connection, { max: 1, applicationName: "cloudcafe-migrator" });
  try {
    await migrate(database.db, { migrationsFolder: folder });
  } finally {
    await database.end();
  }
}

import { databaseConnection, databaseLink, readEnvironment, readLinks, type DatabaseConnection } from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "database migrator";

const links = z.object({ Database: databaseLink });

const environment = z.object({
  /** Where the bundle carries the migrations (infra copies packages/adapters/drizzle beside the handler). */
  MIGRATIONS_FOLDER: z.string().min(1).default("drizzle"),
  LAMBDA_TASK_ROOT: z.string().min(1).optional(),
});

export interface MigratorConfig {
  database: DatabaseConnection;
  migrationsFolder: string;
}

export function loadMigratorConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): MigratorConfig {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  const root = settings.LAMBDA_TASK_ROOT ?? process.cwd();
  return {
    database: databaseConnection(linked.Database),
    migrationsFolder: settings.MIGRATIONS_FOLDER.startsWith("/") ? settings.MIGRATIONS_FOLDER : `${root}/${settings.MIGRATIONS_FOLDER}`,
  };
}

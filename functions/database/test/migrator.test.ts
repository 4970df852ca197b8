import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "@cloudcafe/adapters";
import { dropDatabase, ensureDatabase } from "@cloudcafe/local/engines/postgres";
import { loadMigratorConfig } from "../src/config.ts";
import { migrate } from "../src/lambda.ts";

const link = JSON.parse(process.env.SST_RESOURCE_Database ?? "{}") as { host: string; port: number; username: string; database: string };
const database = `${link.database}_migrator`;
const serverUrl = `postgres://${link.username}@${link.host}:${link.port}/postgres`;
// What the deployed bundle holds: the handler's task root with the migrations copied beside it.
const taskRoot = mkdtempSync(join(tmpdir(), "migrator-"));
cpSync(migrationsFolder, join(taskRoot, "drizzle"), { recursive: true });

afterAll(async () => {
  rmSync(taskRoot, { recursive: true, force: true });
  await dropDatabase(serverUrl, database);
});

async function tables(): Promise<string[]> {
  const sql = postgres(`postgres://${link.username}@${link.host}:${link.port}/${database}`, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
    return rows.map((row) => row.tablename);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe("the database migrator (run by the deploy)", () => {
  it("applies the migration history it carries to an empty database, and a second run changes nothing", async () => {
    await ensureDatabase(serverUrl, database);
    const config = loadMigratorConfig({ LAMBDA_TASK_ROOT: taskRoot }, { Database: { ...link, password: "", database } });
    expect(config.migrationsFolder).toBe(join(taskRoot, "drizzle"));

    const first = await migrate(config);
    const created = await tables();
    await migrate(config);

    expect(first.migrated).toBe(true);
    expect(created).toEqual(expect.arrayContaining(["orders", "outbox", "menu_items", "menu_stores"]));
    expect(await tables()).toEqual(created);
  });

  it("fails loudly when the migrations are not where the bundle should carry them", async () => {
    const config = loadMigratorConfig({ LAMBDA_TASK_ROOT: join(taskRoot, "missing") }, { Database: { ...link, password: "", database } });
    await expect(migrate(config)).rejects.toThrow();
  });
});

import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import postgres from "postgres";
import { postgres as catalogPostgres } from "@cloudcafe/catalog";
import type { Engine, EngineStartOptions } from "./engine.ts";
import { waitUntil } from "../process/net.ts";
import { ensureCommand, isRoot, runCommand } from "./system-packages.ts";

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates the database when missing (connecting to any database of the server); a concurrent run creating it first is fine. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length > 0) return;
    await sql.unsafe(`create database "${database}"`).catch((error: { code?: string }) => {
      if (error.code !== "42P04") throw error; // duplicate_database
    });
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Drops the database, closing what is still connected to it (PostgreSQL 13+). */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${database}" with (force)`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function installedVersion(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error("PostgreSQL is installed but /usr/lib/postgresql has no version");
  return versions[0];
}

/** Lets local TCP clients in without a password, as the platform's connection URL expects. */
function trustLocalhost(version: string): void {
  const hba = `/etc/postgresql/${version}/main/pg_hba.conf`;
  if (!existsSync(hba)) return;
  const current = readFileSync(hba, "utf8");
  const rule = "host all all 127.0.0.1/32 trust";
  if (current.includes(rule)) return;
  writeFileSync(hba, `# added by the CloudCafe local platform\n${rule}\n${current}`);
}

async function installAndStartCluster(): Promise<void> {
  const instructions =
    "PostgreSQL does not answer on 127.0.0.1:5432. Install and start it, e.g.: sudo apt-get install -y postgresql && " +
    "sudo pg_ctlcluster --skip-systemctl-redirect <version> main start (trust auth for 127.0.0.1), or set DATABASE_URL.";
  if (!isRoot()) throw new Error(instructions);
  await ensureCommand("pg_lsclusters", "postgresql");
  const version = installedVersion();
  if (!existsSync(`/etc/postgresql/${version}/main`)) await runCommand("pg_createcluster", [version, "main"]);
  trustLocalhost(version);
  console.error(`[local] starting PostgreSQL ${version} cluster "main" ...`);
  await runCommand("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"]).catch(async (error) => {
    // "already running" is fine: a reload picks up the trust rule.
    await runCommand("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "reload"]).catch(() => {
      throw error;
    });
  });
}

/**
 * PostgreSQL is a system service here: reused when it answers, started (installed when root) when it does not,
 * and never stopped by the platform.
 */
export async function startPostgres(options: EngineStartOptions): Promise<Engine> {
  const explicit = process.env.DATABASE_URL;
  const stop = async () => {};
  if (explicit) {
    if (!(await answers(explicit))) throw new Error(`DATABASE_URL is set but PostgreSQL does not answer there`);
    return { name: "PostgreSQL", url: explicit, reused: true, health: () => answers(explicit), stop };
  }
  const adminUrl = `postgres://postgres@${options.config.host}:${catalogPostgres.port}/postgres`;
  let reused = true;
  if (!(await answers(adminUrl))) {
    await installAndStartCluster();
    await waitUntil("PostgreSQL to accept connections", () => answers(adminUrl), 60_000, 500);
    reused = false;
  }
  await ensureDatabase(adminUrl, catalogPostgres.database);
  const url = withDatabase(adminUrl, catalogPostgres.database);
  return { name: "PostgreSQL", url, reused, health: () => answers(url), stop };
}

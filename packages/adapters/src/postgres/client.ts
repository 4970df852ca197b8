import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

export interface DatabaseConnection {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  /** Aurora requires TLS; local PostgreSQL does not offer it. */
  ssl?: boolean;
}

export function databaseUrl(c: DatabaseConnection): string {
  const auth = c.password ? `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}` : encodeURIComponent(c.username);
  return `postgres://${auth}@${c.host}:${c.port}/${encodeURIComponent(c.database)}`;
}

export function createDatabase(connection: DatabaseConnection | string, options: { max?: number } = {}) {
  const url = typeof connection === "string" ? connection : databaseUrl(connection);
  const ssl = typeof connection === "string" ? undefined : connection.ssl ? "require" : undefined;
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    ...(ssl ? { ssl } : {}),
  });
  return { sql, db: drizzle(sql, { schema }) };
}

export type Database = ReturnType<typeof createDatabase>;

/** postgres-js returns timestamptz as text in the server's format; the domain speaks ISO 8601. */
export function toIso(value: string | Date): string {
  return new Date(value).toISOString();
}

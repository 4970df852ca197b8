import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { z } from "zod";
import { isLocalHost } from "../sst/service-config.ts";
import { passwordFromSecret } from "../aws/rotating-password.ts";
import * as schema from "./schema.ts";

/** The `Database` link: deployed, the password lives in the RDS-managed secret (`secretArn`); locally and in `sst dev` it is inline. */
export const databaseLink = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int(),
    username: z.string().min(1),
    password: z.string().optional(),
    secretArn: z.string().min(1).optional(),
    database: z.string().min(1),
  })
  .refine((d) => d.password !== undefined || d.secretArn !== undefined, "Database link needs a password or a secretArn");

export interface DatabaseConnection {
  host: string;
  port: number;
  username: string;
  /** A fixed password, or a source read on each new connection (a rotated secret). */
  password: string | (() => Promise<string>);
  database: string;
  /** Aurora requires TLS; local PostgreSQL does not offer it. */
  ssl?: boolean;
}

export function databaseConnection(link: z.output<typeof databaseLink>): DatabaseConnection {
  return {
    host: link.host,
    port: link.port,
    username: link.username,
    database: link.database,
    password: link.secretArn ? passwordFromSecret(link.secretArn) : (link.password ?? ""),
    ssl: !isLocalHost(link.host),
  };
}

export function createDatabase(connection: DatabaseConnection | string, options: { max?: number } = {}) {
  const common = { max: options.max ?? 10, idle_timeout: 30, connect_timeout: 5, onnotice: () => {} };
  const sql =
    typeof connection === "string"
      ? postgres(connection, common)
      : postgres({
          ...common,
          host: connection.host,
          port: connection.port,
          username: connection.username,
          password: connection.password,
          database: connection.database,
          ...(connection.ssl ? { ssl: "require" as const } : {}),
        });
  return { sql, db: drizzle(sql, { schema }) };
}

export type Database = ReturnType<typeof createDatabase>;

/** postgres-js returns timestamptz as text in the server's format; the domain speaks ISO 8601. */
export function toIso(value: string | Date): string {
  return new Date(value).toISOString();
}

import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
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

export interface DatabaseOptions {
  /** Connections in the pool. */
  max?: number;
  /** Shown in pg_stat_activity, so an operator can tell the platform's connections apart. */
  applicationName?: string;
  /**
   * Told about a connection the server ended (a failover, a restart, an idle timeout): the query in flight on it has
   * already failed with its own error and the pool has dropped it; this is for the log.
   */
  onConnectionLost?: (error: Error) => void;
}

function poolConfig(connection: DatabaseConnection | string, max: number, applicationName: string): pg.PoolConfig {
  const common = { max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, application_name: applicationName };
  if (typeof connection === "string") return { ...common, connectionString: connection };
  return {
    ...common,
    host: connection.host,
    port: connection.port,
    user: connection.username,
    password: connection.password,
    database: connection.database,
    // TLS as postgres.js's `ssl: "require"` had it: encrypted, the server's certificate not verified.
    ...(connection.ssl ? { ssl: { rejectUnauthorized: false } } : {}),
  };
}

/**
 * A pool of PostgreSQL connections (node-postgres) and drizzle over it. node-postgres because a connection the server
 * ends under a transaction (an Aurora failover) fails that transaction's queries with errors its callers catch;
 * postgres.js 3.4.9 instead wrote the rollback to a closed socket from a `setImmediate`, an uncaught TypeError that
 * stopped the process (porsager/postgres#1154), and could leave a pooled connection that never answered again.
 * Every pooled connection gets an `error` listener: without one, a connection lost while checked out (between a
 * transaction's statements) would be an unhandled `error` event, which stops the process as surely.
 */
export function createDatabase(connection: DatabaseConnection | string, options: DatabaseOptions = {}) {
  const pool = new pg.Pool(poolConfig(connection, options.max ?? 10, options.applicationName ?? "cloudcafe"));
  const lost = (error: Error) => options.onConnectionLost?.(error);
  pool.on("error", lost);
  pool.on("connect", (client) => client.on("error", lost));
  const db = drizzle({ client: pool, schema });
  /**
   * A transaction on a connection of its own, always given back. Not `db.transaction`: drizzle 0.45's node-postgres
   * session sends BEGIN before its try/finally, so a BEGIN that fails (the connection ended by a failover) never
   * releases its connection; a few failovers and every connection of the pool is lost, and each next query waits for
   * ever. Given back, a connection whose server end has gone is dropped by the pool (it is no longer queryable).
   */
  const transaction: typeof db.transaction = async (work, config) => {
    const client = await pool.connect();
    try {
      return await drizzle({ client, schema }).transaction(work, config);
    } finally {
      client.release();
    }
  };
  return {
    pool,
    db,
    transaction,
    /** One statement with `$n` parameters; resolves to its rows. */
    async query<Row = Record<string, unknown>>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
      const result = await pool.query(text, values as unknown[]);
      return result.rows as Row[];
    },
    end: () => pool.end(),
  };
}

export type Database = ReturnType<typeof createDatabase>;

/** The order and loyalty tables keep timestamptz as text in the server's format; the domain speaks ISO 8601. */
export function toIso(value: string | Date): string {
  return new Date(value).toISOString();
}

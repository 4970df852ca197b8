import postgres from "postgres";
import { z } from "zod";
import type { FaultInjector } from "../injector.ts";

/**
 * `aurora-failover` locally: what the clients of a failing-over Aurora cluster see, without touching the shared
 * PostgreSQL server (other databases and other users of it keep running): every connection to the platform's database
 * is terminated (`pg_terminate_backend`) and new ones are refused (`ALLOW_CONNECTIONS false`) until the fault ends,
 * when connections are allowed again and the pools reconnect, as they do to the promoted writer.
 * `adminUrl` reaches the server through another database (`postgres`), which stays open throughout.
 */
export function auroraFailoverInjector(options: { readonly adminUrl: string; readonly database: string }): FaultInjector {
  const identifier = (sql: postgres.Sql) => sql(options.database);
  const withAdmin = async <T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> => {
    const sql = postgres(options.adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      return await work(sql);
    } finally {
      await sql.end({ timeout: 2 });
    }
  };
  const allowConnections = (allowed: boolean) =>
    withAdmin(async (sql) => {
      await sql`alter database ${identifier(sql)} allow_connections ${sql.unsafe(allowed ? "true" : "false")}`;
    });

  return {
    parameters: z.object({}).strict(),
    async inject() {
      const terminated = await withAdmin(async (sql) => {
        await sql`alter database ${identifier(sql)} allow_connections false`;
        // Until here new connections could still arrive; from here every backend of the database is one to end.
        const rows = await sql<{ terminated: boolean }[]>`
          select pg_terminate_backend(pid) as terminated from pg_stat_activity
          where datname = ${options.database} and pid <> pg_backend_pid()`;
        return rows.filter((row) => row.terminated).length;
      });
      return {
        effect: { database: options.database, connectionsTerminated: terminated, newConnections: "refused" },
        record: { database: options.database },
        revert: () => allowConnections(true),
      };
    },
    recover: () => allowConnections(true),
  };
}

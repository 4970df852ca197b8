/**
 * Aurora's DatabaseConnections, measured on the local PostgreSQL: the connections to the platform's database
 * (pg_stat_activity), once a local period as RDS publishes it once a minute, under AWS/RDS; and max_connections, which the connections alarm's threshold
 * (80% of it) needs. The server is shared with other programs on this machine, so only this database's connections
 * count.
 */
import { createDatabase } from "@cloudcafe/adapters";
import { localAlarmDimensions } from "@cloudcafe/catalog";
import type { Logger } from "@cloudcafe/observability";
import type { MetricsSink } from "../sink.ts";
import { sampleOncePerPeriod } from "./once-a-period.ts";

export function collectDatabaseConnections(sink: MetricsSink, databaseUrl: string, logger: Logger): { stop(): Promise<void> } {
  // Its connection is one of those terminated by aurora-failover: node-postgres reconnects on the next sample.
  const database = createDatabase(databaseUrl, { max: 1, applicationName: "cloudcafe-metrics-sink" });
  let warned = false;
  const sample = async () => {
    try {
      // One round trip a period: the limit (read each time, as a restart may change it) with the count.
      const [row] = await database.query<{ connections: number; max_connections: number }>(
        "select count(*)::int as connections, current_setting('max_connections')::int as max_connections from pg_stat_activity where datname = current_database()",
      );
      sink.setKnown("databaseMaxConnections", row!.max_connections);
      sink.record({ namespace: "AWS/RDS", name: "DatabaseConnections", value: row!.connections, unit: "Count", dimensions: { DBClusterIdentifier: localAlarmDimensions.databaseCluster } });
      warned = false;
    } catch (error) {
      // PostgreSQL down is itself what the alarm's missing data shows; say so once, not every period.
      if (!warned) logger.warn("database connections not measured", { error });
      warned = true;
    }
  };
  const sampling = sampleOncePerPeriod(sample);
  return {
    async stop() {
      sampling.stop();
      await database.end();
    },
  };
}

import type { TierAggregatesWarehouse } from "@cloudcafe/core";
import type { RedshiftDataWarehouse } from "../analytics/redshift-data-warehouse.ts";

export const TIER_AGGREGATES_TABLE = "loyalty.tier_daily";

const DDL = [
  "CREATE SCHEMA IF NOT EXISTS loyalty",
  `CREATE TABLE IF NOT EXISTS ${TIER_AGGREGATES_TABLE} (
    day DATE NOT NULL,
    tier VARCHAR(16) NOT NULL,
    customers BIGINT NOT NULL,
    points_balance BIGINT NOT NULL,
    rolling_points BIGINT NOT NULL,
    run_id VARCHAR(80) NOT NULL,
    run_started_at TIMESTAMP NOT NULL
  )`,
];

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const whole = (value: number) => {
  if (!Number.isSafeInteger(value)) throw new Error(`Not a whole number: ${value}`);
  return String(value);
};

/**
 * Customers and points per tier, per day, in Redshift through the Data API. A day holds its latest run's rows: each
 * write is one transaction (BatchExecuteStatement) that removes the day's rows of this run or older ones and inserts
 * this run's unless a later run's are there, so a retried export, or one arriving late, never doubles or rewinds a day.
 * The Data API's BatchExecuteStatement takes no parameters; every value here is a tier name, a number, an ISO time
 * or a run id the service made, and is quoted anyway.
 */
export function redshiftTierAggregates(warehouse: RedshiftDataWarehouse): TierAggregatesWarehouse {
  let ready: Promise<unknown> | undefined;
  return {
    async write(run, aggregates) {
      ready ??= warehouse.executeBatch(DDL).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const day = literal(run.startedAt.slice(0, 10));
      const startedAt = literal(run.startedAt.replace("T", " ").replace("Z", ""));
      const rows = aggregates
        .map((a) => `SELECT DATE ${day} AS day, ${literal(a.tier)} AS tier, ${whole(a.customers)} AS customers, ${whole(a.pointsBalance)} AS points_balance, ${whole(a.rollingPoints)} AS rolling_points, ${literal(run.runId)} AS run_id, TIMESTAMP ${startedAt} AS run_started_at`)
        .join(" UNION ALL ");
      await warehouse.executeBatch([
        `DELETE FROM ${TIER_AGGREGATES_TABLE} WHERE day = DATE ${day} AND run_started_at <= TIMESTAMP ${startedAt}`,
        `INSERT INTO ${TIER_AGGREGATES_TABLE} SELECT * FROM (${rows}) AS run_rows WHERE NOT EXISTS (SELECT 1 FROM ${TIER_AGGREGATES_TABLE} WHERE day = DATE ${day})`,
      ]);
    },
  };
}

import { boundedParallel } from "@cloudcafe/adapters/analytics/concurrency";
import {
  longField,
  redshiftDataClient,
  redshiftDataWarehouse,
  stringField,
  type AnalyticsWarehouse,
  type RedshiftDataConnection,
  type RedshiftDataWarehouse,
  type ResultRecord,
} from "@cloudcafe/adapters/analytics/redshift-data-warehouse";
import { percentiles, type Percentiles } from "../percentiles.ts";

/**
 * Query storm (Analytics): end-of-quarter reports. Many concurrent analytical queries against the analytics warehouse
 * (Redshift Serverless, through the Data API), each pulling a large result set page by page, and CPU-bound
 * processing of the rows (per store and hour: revenue, mean, standard deviation, best seller). The fact table is a
 * generated `stress_analytics` schema in the warehouse's database; locally the Data API is the platform's stand-in.
 */

export const ANALYTICS_SCHEMA = "stress_analytics";
const FACTS = `${ANALYTICS_SCHEMA}.order_facts`;
/** Attempts at creating and filling the fact table: concurrent storms can collide on it (Redshift: serializable isolation). */
const SEED_ATTEMPTS = 3;

export interface QueryStormOptions extends AnalyticsWarehouse {
  queries: number;
  concurrency: number;
  rowsPerQuery: number;
  /** Rows the fact table must hold; generated on first use. */
  tableRows: number;
  /** How to reach the Data API when not from the environment (the CLI without a configured endpoint). */
  connection?: RedshiftDataConnection;
}

export interface QueryStormReport {
  queries: number;
  failed: number;
  rowsProcessed: number;
  /** Time from sending a query to holding its last row. */
  queryMs: Percentiles;
  /** Query plus processing of its rows. */
  reportMs: Percentiles;
  durationMs: number;
  /** The first failure's message, so a storm against a missing database says why. */
  firstError?: string;
  /** Total revenue across every report, in cents: equal for equal inputs, whatever the concurrency. */
  revenueCents: number;
}

export interface FactRow {
  store_id: number;
  hour: number;
  product: string;
  quantity: number;
  amount_cents: number;
}

export interface HourlyStoreReport {
  storeId: number;
  hour: number;
  orders: number;
  revenueCents: number;
  meanCents: number;
  stdDevCents: number;
  bestSeller: string;
}

/** Groups rows by store and hour and computes the report figures; pure, so it is checked on known rows. */
export function summariseFacts(rows: readonly FactRow[]): HourlyStoreReport[] {
  const groups = new Map<string, { storeId: number; hour: number; amounts: number[]; products: Map<string, number> }>();
  for (const row of rows) {
    const key = `${row.store_id}:${row.hour}`;
    let group = groups.get(key);
    if (!group) {
      group = { storeId: row.store_id, hour: row.hour, amounts: [], products: new Map() };
      groups.set(key, group);
    }
    group.amounts.push(row.amount_cents);
    group.products.set(row.product, (group.products.get(row.product) ?? 0) + row.quantity);
  }
  return [...groups.values()].map(({ storeId, hour, amounts, products }) => {
    const revenueCents = amounts.reduce((sum, amount) => sum + amount, 0);
    const meanCents = revenueCents / amounts.length;
    const variance = amounts.reduce((sum, amount) => sum + (amount - meanCents) ** 2, 0) / amounts.length;
    let bestSeller = "";
    let bestQuantity = -1;
    for (const [product, quantity] of products) {
      if (quantity > bestQuantity || (quantity === bestQuantity && product < bestSeller)) {
        bestSeller = product;
        bestQuantity = quantity;
      }
    }
    return { storeId, hour, orders: amounts.length, revenueCents, meanCents, stdDevCents: Math.sqrt(variance), bestSeller };
  });
}

/** `select 0 as d union all ... select 9`: one decimal digit, the building block of the row-number generator. */
const DIGITS = `(${Array.from({ length: 10 }, (_, digit) => `select ${digit} as d`).join(" union all ")})`;

/**
 * 0 .. 10^k - 1 as `i`, from k cross-joined digit tables: Redshift has no generate_series on its compute nodes, so
 * this is how its SQL builds rows. k covers `rows`, so PostgreSQL does not enumerate far past it.
 */
function rowNumbers(rows: number): string {
  const digits = Math.max(1, Math.ceil(Math.log10(Math.max(2, rows))));
  const tables = Array.from({ length: digits }, (_, position) => `${DIGITS} d${position}`).join(" cross join ");
  const value = Array.from({ length: digits }, (_, position) => (position === 0 ? "d0.d" : `${10 ** position} * d${position}.d`)).join(" + ");
  return `(select ${value} as i from ${tables}) numbers`;
}

/**
 * Creates and fills the fact table up to `tableRows` rows, in one transaction that locks the table, so concurrent
 * storms neither race nor insert a row twice (Redshift does not enforce primary keys).
 */
export async function ensureAnalyticsFacts(warehouse: RedshiftDataWarehouse, tableRows: number): Promise<void> {
  if (!Number.isSafeInteger(tableRows) || tableRows < 1) throw new Error(`tableRows must be a positive integer, got ${tableRows}`);
  const seed = [
    `create schema if not exists ${ANALYTICS_SCHEMA}`,
    `create table if not exists ${FACTS} (
      id integer not null primary key,
      store_id integer not null,
      hour integer not null,
      product varchar(32) not null,
      quantity integer not null,
      amount_cents integer not null
    )`,
    `lock table ${FACTS}`,
    `insert into ${FACTS} (id, store_id, hour, product, quantity, amount_cents)
      select i, i % 50, (i / 500) % 24, 'product-' || cast((i * 7) % 40 as varchar), 1 + i % 3, 250 + (i * 13) % 600
      from ${rowNumbers(tableRows)}
      where i >= (select coalesce(max(id) + 1, 0) from ${FACTS}) and i < ${tableRows}`,
  ];
  for (let attempt = 1; ; attempt += 1) {
    try {
      await warehouse.executeBatch(seed);
      return;
    } catch (error) {
      if (attempt >= SEED_ATTEMPTS) throw error;
    }
  }
}

/** A result record of the report query, checked column by column. */
function factRow(record: ResultRecord): FactRow {
  return {
    store_id: longField(record[0], "store_id"),
    hour: longField(record[1], "hour"),
    product: stringField(record[2], "product"),
    quantity: longField(record[3], "quantity"),
    amount_cents: longField(record[4], "amount_cents"),
  };
}

/** One report's rows: the query, then every page of its result. */
async function reportRows(warehouse: RedshiftDataWarehouse, first: number, count: number): Promise<FactRow[]> {
  const { Id } = await warehouse.execute(
    `select store_id, hour, product, quantity, amount_cents from ${FACTS} where id >= :first_id and id < :end_id`,
    { first_id: first, end_id: first + count },
  );
  const rows: FactRow[] = [];
  for await (const records of warehouse.resultPages(Id!)) for (const record of records) rows.push(factRow(record));
  return rows;
}

export async function runQueryStorm(options: QueryStormOptions): Promise<QueryStormReport> {
  const client = redshiftDataClient(options.connection);
  const warehouse = redshiftDataWarehouse({ client, workgroupName: options.workgroupName, database: options.database });
  try {
    await ensureAnalyticsFacts(warehouse, options.tableRows);
    const queryMs: number[] = [];
    const reportMs: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    let rowsProcessed = 0;
    let revenueCents = 0;
    const started = performance.now();
    await boundedParallel(options.queries, options.concurrency, async (index) => {
      // Each report reads a different window of the table, wrapping around, so queries do not share a cache line.
      const first = (index * options.rowsPerQuery) % Math.max(1, options.tableRows - options.rowsPerQuery + 1);
      const sent = performance.now();
      try {
        const rows = await reportRows(warehouse, first, options.rowsPerQuery);
        queryMs.push(performance.now() - sent);
        const report = summariseFacts(rows);
        reportMs.push(performance.now() - sent);
        rowsProcessed += rows.length;
        revenueCents += report.reduce((sum, entry) => sum + entry.revenueCents, 0);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    });
    return {
      queries: options.queries,
      failed,
      rowsProcessed,
      queryMs: percentiles(queryMs),
      reportMs: percentiles(reportMs),
      durationMs: Math.round(performance.now() - started),
      revenueCents,
      ...(firstError ? { firstError } : {}),
    };
  } finally {
    client.destroy();
  }
}

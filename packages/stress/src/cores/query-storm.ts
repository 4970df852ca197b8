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
import { starSchemaDdl, starSchemaTables } from "@cloudcafe/adapters/analytics/star-schema.sql";
import { percentiles, type Percentiles } from "../percentiles.ts";

/**
 * Query storm (Analytics): end-of-quarter reports. Many concurrent analytical queries against the analytics warehouse
 * (Redshift Serverless, through the Data API), each pulling a large result set page by page, and CPU-bound
 * processing of the rows (per store and hour: revenue, mean, standard deviation, best seller). The reports read the
 * analytics pipeline's per store-minute-SKU fact table; when it holds fewer rows than the storm needs, it is topped up
 * with synthetic rows (marked `synthetic`, in minutes from 2000 on, which readers of real figures leave out).
 * Locally the Data API is the platform's stand-in.
 */

/** The analytics worker's schema (the star schema's), unless the caller names another. */
export const ANALYTICS_SCHEMA = "analytics";
/** Synthetic rows get one minute each from here, so they sort before real ones and in the order they were made. */
const SYNTHETIC_EPOCH = "2000-01-01 00:00:00";
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
  /** The star schema's schema; the worker's by default. */
  schema?: string;
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
  store_id: string;
  hour: number;
  product: string;
  quantity: number;
  amount_cents: number;
}

export interface HourlyStoreReport {
  storeId: string;
  hour: number;
  orders: number;
  revenueCents: number;
  meanCents: number;
  stdDevCents: number;
  bestSeller: string;
}

/** Groups rows by store and hour and computes the report figures; pure, so it is checked on known rows. */
export function summariseFacts(rows: readonly FactRow[]): HourlyStoreReport[] {
  const groups = new Map<string, { storeId: string; hour: number; amounts: number[]; products: Map<string, number> }>();
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
 * Creates the star schema when missing and tops its store-minute-SKU facts up to `tableRows` rows with synthetic ones,
 * in one transaction that locks the table, so concurrent storms neither race nor add a row twice. Synthetic row i is
 * at minute i from SYNTHETIC_EPOCH, store `synthetic-<i % 50>`, SKU `SYN-<i % 40>`, quantity 1 + i % 3 and revenue
 * 250 + (i * 13) % 600 cents.
 */
export async function ensureAnalyticsFacts(warehouse: RedshiftDataWarehouse, tableRows: number, schema = ANALYTICS_SCHEMA): Promise<void> {
  if (!Number.isSafeInteger(tableRows) || tableRows < 1) throw new Error(`tableRows must be a positive integer, got ${tableRows}`);
  const tables = starSchemaTables(schema);
  const facts = tables.storeMinuteItems;
  const seed = [
    ...starSchemaDdl(tables),
    `lock table ${facts}`,
    `insert into ${facts} (store_id, minute_start, source_shard, sku, category, quantity, revenue_cents, synthetic)
      select 'synthetic-' || cast(i % 50 as varchar), cast('${SYNTHETIC_EPOCH}' as timestamp) + i * interval '1 minute', 'synthetic',
        'SYN-' || cast(i % 40 as varchar), 'synthetic', 1 + i % 3, 250 + (i * 13) % 600, true
      from ${rowNumbers(tableRows)}
      where i >= (select count(*) from ${facts} where synthetic)
        and i < (select count(*) from ${facts} where synthetic) + greatest(0, ${tableRows} - (select count(*) from ${facts}))`,
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
    store_id: stringField(record[0], "store_id"),
    hour: longField(record[1], "hour"),
    product: stringField(record[2], "product"),
    quantity: longField(record[3], "quantity"),
    amount_cents: longField(record[4], "amount_cents"),
  };
}

/** One report's rows: the query (a slice of the facts in a stable order), then every page of its result. */
async function reportRows(warehouse: RedshiftDataWarehouse, schema: string, first: number, count: number): Promise<FactRow[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count)) throw new Error(`A report slice is whole rows, got ${first}+${count}`);
  const { Id } = await warehouse.execute(
    `select store_id, cast(extract(hour from minute_start) as integer) as hour, sku, quantity, revenue_cents
     from ${starSchemaTables(schema).storeMinuteItems}
     order by minute_start, store_id, source_shard, sku limit ${count} offset ${first}`,
  );
  const rows: FactRow[] = [];
  for await (const records of warehouse.resultPages(Id!)) for (const record of records) rows.push(factRow(record));
  return rows;
}

export async function runQueryStorm(options: QueryStormOptions): Promise<QueryStormReport> {
  const client = redshiftDataClient(options.connection);
  const warehouse = redshiftDataWarehouse({ client, workgroupName: options.workgroupName, database: options.database });
  try {
    const schema = options.schema ?? ANALYTICS_SCHEMA;
    await ensureAnalyticsFacts(warehouse, options.tableRows, schema);
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
        const rows = await reportRows(warehouse, schema, first, options.rowsPerQuery);
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

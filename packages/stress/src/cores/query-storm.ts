import postgres from "postgres";
import { boundedParallel } from "../concurrency.ts";
import { percentiles, type Percentiles } from "../percentiles.ts";

/**
 * Query storm (Analytics): end-of-quarter reports. Many concurrent analytical queries, each pulling a large result
 * set, and CPU-bound processing of the rows (per store and hour: revenue, mean, standard deviation, best seller).
 * It runs against the analytics store; locally that is PostgreSQL with a generated `stress_analytics` schema.
 */

export const ANALYTICS_SCHEMA = "stress_analytics";

export interface QueryStormOptions {
  databaseUrl: string;
  queries: number;
  concurrency: number;
  rowsPerQuery: number;
  /** Rows the fact table must hold; generated on first use. */
  tableRows: number;
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

type Sql = ReturnType<typeof postgres>;

/** Creates and fills the fact table once; an advisory lock keeps concurrent seeders from racing. */
export async function ensureAnalyticsFacts(sql: Sql, tableRows: number): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${ANALYTICS_SCHEMA}))`;
    await tx`create schema if not exists ${tx(ANALYTICS_SCHEMA)}`;
    await tx`create table if not exists ${tx(ANALYTICS_SCHEMA)}.order_facts (
      id integer primary key,
      store_id integer not null,
      hour integer not null,
      product text not null,
      quantity integer not null,
      amount_cents integer not null
    )`;
    const [{ rows } = { rows: 0 }] = await tx<{ rows: number }[]>`select count(*)::int as rows from ${tx(ANALYTICS_SCHEMA)}.order_facts`;
    if (rows >= tableRows) return;
    await tx`insert into ${tx(ANALYTICS_SCHEMA)}.order_facts
      select i, i % 50, (i / 500) % 24, 'product-' || ((i * 7) % 40), 1 + i % 3, 250 + (i * 13) % 600
      from generate_series(${rows}::int, ${tableRows - 1}::int) as i`;
  });
}

export async function runQueryStorm(options: QueryStormOptions): Promise<QueryStormReport> {
  const sql = postgres(options.databaseUrl, { max: options.concurrency, onnotice: () => {} });
  try {
    await ensureAnalyticsFacts(sql, options.tableRows);
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
        const rows = await sql<FactRow[]>`select store_id, hour, product, quantity, amount_cents
          from ${sql(ANALYTICS_SCHEMA)}.order_facts where id >= ${first} and id < ${first + options.rowsPerQuery}`;
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
    await sql.end({ timeout: 5 });
  }
}

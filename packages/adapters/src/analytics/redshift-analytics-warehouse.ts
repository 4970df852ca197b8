import type { AnalyticsWarehousePort, PaidTotals, ShardWindow, StoreSummary, StoreWindow } from "@cloudcafe/core";
import { averageTicketCents } from "@cloudcafe/core";
import { longField, stringField, type RedshiftDataWarehouse, type ResultRecord } from "./redshift-data-warehouse.ts";
import { literal, starSchemaDdl, starSchemaTables, timestampLiteral, timestampMs } from "./star-schema.sql.ts";

/**
 * The analytics warehouse port on Redshift through the Data API. A write is one BatchExecuteStatement (one
 * transaction): delete the (store, minute, shard) rows it replaces, insert the new ones, add missing dimension rows.
 * Replaying a write, or writing a window again after a late event, therefore replaces rather than adds.
 */

/**
 * BatchExecuteStatement takes at most 40 SQL statements, each at most 100 KB
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html): a write is at most
 * 7 statements whatever its size, and windows go in chunks small enough to keep each statement far below 100 KB.
 */
export const WINDOWS_PER_BATCH = 100;
const PREPARE_ATTEMPTS = 3;

export interface RedshiftAnalyticsWarehouseOptions {
  warehouse: RedshiftDataWarehouse;
  /** The schema of the star schema's tables (one per test run locally). */
  schema: string;
  clock?: () => number;
}

export function redshiftAnalyticsWarehouse({ warehouse, schema, clock = Date.now }: RedshiftAnalyticsWarehouseOptions): AnalyticsWarehousePort {
  const tables = starSchemaTables(schema);
  const query = async (sql: string, parameters: Record<string, string | number>): Promise<ResultRecord[]> => {
    const { Id } = await warehouse.execute(sql, parameters);
    const records: ResultRecord[] = [];
    for await (const page of warehouse.resultPages(Id!)) records.push(...page);
    return records;
  };
  const range = (fromMs: number, toMs: number) => ({ from_ts: timestampLiteral(fromMs).slice(1, -1), to_ts: timestampLiteral(toMs).slice(1, -1) });

  async function summary(fromMs: number, toMs: number): Promise<StoreSummary[]> {
    const records = await query(
      `select store_id, cast(sum(orders_placed) as bigint), cast(sum(orders_paid) as bigint), cast(sum(revenue_cents) as bigint)
       from ${tables.storeMinutes}
       where minute_start >= cast(:from_ts as timestamp) and minute_start < cast(:to_ts as timestamp) and not synthetic
       group by store_id order by store_id`,
      range(fromMs, toMs),
    );
    return records.map((record): StoreSummary => {
      const totals = { ordersPaid: longField(record[2], "orders_paid"), revenueCents: longField(record[3], "revenue_cents") };
      return { storeId: stringField(record[0], "store_id"), ordersPlaced: longField(record[1], "orders_placed"), ...totals, averageTicketCents: averageTicketCents(totals) };
    });
  }

  return {
    async prepare() {
      // The worker and the read API may both create the tables at once, and `if not exists` does not make concurrent
      // creations safe: the one that lost sees the tables on a later attempt.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await warehouse.executeBatch(starSchemaDdl(tables));
          return;
        } catch (error) {
          if (attempt >= PREPARE_ATTEMPTS) throw error;
        }
      }
    },

    async ping() {
      await warehouse.execute("select 1", {}, { timeoutMs: 5_000 });
    },

    async writeWindows(windows) {
      for (let first = 0; first < windows.length; first += WINDOWS_PER_BATCH) {
        await warehouse.executeBatch(writeStatements(windows.slice(first, first + WINDOWS_PER_BATCH), clock()));
      }
    },

    async storeWindows(storeId, fromMs, toMs) {
      const where = `store_id = :store_id and minute_start >= cast(:from_ts as timestamp) and minute_start < cast(:to_ts as timestamp) and not synthetic`;
      const parameters = { store_id: storeId, ...range(fromMs, toMs) };
      const [minutes, items] = await Promise.all([
        query(
          `select minute_start, cast(sum(orders_placed) as bigint), cast(sum(orders_paid) as bigint), cast(sum(revenue_cents) as bigint)
           from ${tables.storeMinutes} where ${where} group by minute_start order by minute_start`,
          parameters,
        ),
        query(
          `select minute_start, sku, max(category), cast(sum(quantity) as bigint), cast(sum(revenue_cents) as bigint)
           from ${tables.storeMinuteItems} where ${where} group by minute_start, sku order by minute_start, sku`,
          parameters,
        ),
      ]);
      const windows = new Map<string, StoreWindow>();
      for (const record of minutes) {
        const start = stringField(record[0], "minute_start");
        windows.set(start, {
          storeId,
          windowStartMs: timestampMs(start),
          ordersPlaced: longField(record[1], "orders_placed"),
          ordersPaid: longField(record[2], "orders_paid"),
          revenueCents: longField(record[3], "revenue_cents"),
          items: [],
        });
      }
      for (const record of items) {
        windows.get(stringField(record[0], "minute_start"))?.items.push({
          sku: stringField(record[1], "sku"),
          category: stringField(record[2], "category"),
          quantity: longField(record[3], "quantity"),
          revenueCents: longField(record[4], "revenue_cents"),
        });
      }
      return [...windows.values()];
    },

    summary,

    async paidTotals(fromMs, toMs) {
      const summaries = await summary(fromMs, toMs);
      return summaries.filter((each) => each.ordersPaid > 0).map(({ storeId, ordersPaid, revenueCents }): PaidTotals => ({ storeId, ordersPaid, revenueCents }));
    },
  };

  function writeStatements(windows: readonly ShardWindow[], nowMs: number): string[] {
    if (windows.length === 0) return [];
    const key = (window: ShardWindow) =>
      `(store_id = ${literal(window.storeId)} and minute_start = ${timestampLiteral(window.windowStartMs)} and source_shard = ${literal(window.sourceShard)})`;
    const replaced = windows.map(key).join(" or ");
    const minuteRows = windows.map(
      (window) =>
        `(${literal(window.storeId)}, ${timestampLiteral(window.windowStartMs)}, ${literal(window.sourceShard)}, ${window.ordersPlaced}, ${window.ordersPaid}, ${window.revenueCents}, false, ${timestampLiteral(nowMs)})`,
    );
    const itemRows = windows.flatMap((window) =>
      window.items.map(
        (item) =>
          `(${literal(window.storeId)}, ${timestampLiteral(window.windowStartMs)}, ${literal(window.sourceShard)}, ${literal(item.sku)}, ${literal(item.category)}, ${item.quantity}, ${item.revenueCents}, false)`,
      ),
    );
    const stores = [...new Set(windows.map((window) => window.storeId))];
    const items = new Map(windows.flatMap((window) => window.items.map((item) => [item.sku, item.category] as const)));
    const minutes = [...new Set(windows.map((window) => window.windowStartMs))];
    return [
      `delete from ${tables.storeMinutes} where ${replaced}`,
      `insert into ${tables.storeMinutes} (store_id, minute_start, source_shard, orders_placed, orders_paid, revenue_cents, synthetic, written_at) values ${minuteRows.join(", ")}`,
      `delete from ${tables.storeMinuteItems} where ${replaced}`,
      ...(itemRows.length > 0
        ? [`insert into ${tables.storeMinuteItems} (store_id, minute_start, source_shard, sku, category, quantity, revenue_cents, synthetic) values ${itemRows.join(", ")}`]
        : []),
      missingRows(tables.stores, ["store_id"], stores.map((store) => [literal(store)])),
      ...(items.size > 0 ? [missingRows(tables.items, ["sku", "category"], [...items].map(([sku, category]) => [literal(sku), literal(category)]))] : []),
      missingRows(
        tables.minutes,
        ["minute_start", "hour_start", "day", "hour_of_day", "day_of_week"],
        minutes.map((ms) => {
          const date = new Date(ms);
          return [
            timestampLiteral(ms),
            timestampLiteral(ms - (ms % 3_600_000)),
            `cast('${date.toISOString().slice(0, 10)}' as date)`,
            String(date.getUTCHours()),
            String(date.getUTCDay()),
          ];
        }),
      ),
    ];
  }
}

/** `insert ... select` of the rows whose first column is not in the table yet (dimension rows are added once). */
function missingRows(table: string, columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const selects = rows.map((row) => `select ${row.map((value, index) => `${castFor(columns[index]!, value)} as ${columns[index]}`).join(", ")}`);
  const [keyColumn] = columns;
  return `insert into ${table} (${columns.join(", ")})
    select ${columns.map((column) => `v.${column}`).join(", ")} from (${selects.join(" union all ")}) v
    where not exists (select 1 from ${table} t where t.${keyColumn} = v.${keyColumn})`;
}

/** Literals in a `union all` need their types spelled out, or PostgreSQL and Redshift type them as text. */
function castFor(column: string, value: string): string {
  if (column === "minute_start" || column === "hour_start") return `cast(${value} as timestamp)`;
  if (column === "hour_of_day" || column === "day_of_week") return `cast(${value} as smallint)`;
  return value;
}

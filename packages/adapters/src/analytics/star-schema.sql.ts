/**
 * The analytics star schema in Redshift: two fact tables (per store-minute, per store-minute-SKU) and the store, item
 * and time dimensions. Facts are keyed by store, minute and the shard that counted them: after a resharding a store's
 * minute can have a contribution from the parent shard and one from its child, each replaced on its own, and readers
 * sum them. `synthetic` marks rows a stress scenario generated, which readers of real figures leave out.
 * Redshift does not enforce primary keys; they document the grain and inform the planner.
 */

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface StarSchemaTables {
  schema: string;
  storeMinutes: string;
  storeMinuteItems: string;
  stores: string;
  items: string;
  minutes: string;
}

export function starSchemaTables(schema: string): StarSchemaTables {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Analytics schema "${schema}" must be lower-case letters, digits and '_'`);
  return {
    schema,
    storeMinutes: `${schema}.fact_store_minute`,
    storeMinuteItems: `${schema}.fact_store_minute_item`,
    stores: `${schema}.dim_store`,
    items: `${schema}.dim_item`,
    minutes: `${schema}.dim_time`,
  };
}

export function starSchemaDdl(tables: StarSchemaTables): string[] {
  return [
    `create schema if not exists ${tables.schema}`,
    `create table if not exists ${tables.stores} (store_id varchar(64) not null primary key)`,
    `create table if not exists ${tables.items} (sku varchar(32) not null primary key, category varchar(32) not null)`,
    `create table if not exists ${tables.minutes} (
      minute_start timestamp not null primary key,
      hour_start timestamp not null,
      day date not null,
      hour_of_day smallint not null,
      day_of_week smallint not null
    )`,
    `create table if not exists ${tables.storeMinutes} (
      store_id varchar(64) not null,
      minute_start timestamp not null,
      source_shard varchar(64) not null,
      orders_placed integer not null,
      orders_paid integer not null,
      revenue_cents bigint not null,
      synthetic boolean not null default false,
      written_at timestamp not null,
      primary key (store_id, minute_start, source_shard)
    )`,
    `create table if not exists ${tables.storeMinuteItems} (
      store_id varchar(64) not null,
      minute_start timestamp not null,
      source_shard varchar(64) not null,
      sku varchar(32) not null,
      category varchar(32) not null,
      quantity integer not null,
      revenue_cents bigint not null,
      synthetic boolean not null default false,
      primary key (store_id, minute_start, source_shard, sku)
    )`,
  ];
}

/** A string as a SQL literal (BatchExecuteStatement takes no parameters): quotes doubled, no backslash escapes. */
export function literal(value: string): string {
  if (value.includes("\\") || value.includes("\0")) throw new Error(`Refusing a SQL literal with a backslash or NUL: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Epoch ms as a UTC `timestamp` literal, which is how the schema stores instants. */
export function timestampLiteral(epochMs: number): string {
  return `'${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")}'`;
}

/** A `timestamp` column's text (`2026-12-02 07:31:00`) back to epoch ms. */
export function timestampMs(text: string): number {
  const ms = Date.parse(`${text.replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new Error(`Not a timestamp: ${text}`);
  return ms;
}

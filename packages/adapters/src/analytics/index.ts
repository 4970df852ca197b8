export * from "./concurrency.ts";
export * from "./redshift-data-warehouse.ts";

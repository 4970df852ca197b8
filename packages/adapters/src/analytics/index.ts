export * from "./concurrency.ts";
export * from "./redshift-data-warehouse.ts";
export * from "./star-schema.sql.ts";
export * from "./redshift-analytics-warehouse.ts";
export * from "./dynamo-shard-leases.ts";
export * from "./sqs-analytics-dead-letters.ts";
export * from "./kinesis-analytics-events.ts";
export * from "./kinesis-analytics-worker.ts";

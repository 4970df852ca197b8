export * from "./dynamo-transaction-log.ts";
export * from "./mock-gateway.ts";
export * from "./sns-result-publisher.ts";

/** The local metrics sink, its collectors, its HTTP API and `npm start`'s terminal output. */
export * from "./sink.ts";
export * from "./metric-store.ts";
export * from "./alarm-evaluator.ts";
export * from "./emf.ts";
export * from "./ops-app.ts";
export * from "./serve-ops.ts";
export * from "./terminal-output.ts";
export * from "./collectors/gateway-traffic.ts";
export * from "./collectors/database-connections.ts";
export * from "./collectors/cache-hit-rate.ts";
export * from "./local-observability.ts";

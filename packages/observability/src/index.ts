export * from "./context.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./trace.ts";
export * from "./message-trace.ts";
export * from "./output.ts";

export * from "./batch-handler.ts";
export * from "./config.ts";
export * from "./instance.ts";

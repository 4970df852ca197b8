export * from "./config.ts";
export * from "./events/payment-requests.ts";
export * from "./runtime.ts";

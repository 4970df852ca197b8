export * from "./errors.ts";
export * from "./payment/messages.ts";

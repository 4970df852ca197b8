export * from "./gateway.ts";
export * from "./parse-request.ts";
export * from "./process-payment.ts";
export * from "./transactions.ts";
export * from "./synthetic.ts";
export * from "./fraud-screen.ts";

export * from "./app.ts";
export * from "./auth.ts";
export * from "./contract.ts";
export * from "./errors.ts";
export * from "./health.ts";
export * from "./middleware.ts";
export * from "./serve.ts";
export * from "./contract-inspection.ts";

export * from "./control-plane.ts";
export * from "./injector.ts";
export * from "./local-injectors.ts";
export * from "./routes.ts";
export * from "./server.ts";
export * from "./function-throttling.ts";

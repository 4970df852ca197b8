export * from "./aws/clients.ts";

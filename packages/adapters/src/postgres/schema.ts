/**
 * Every context's tables, for drizzle's typed client and the one migration history (`drizzle-kit generate`). Each
 * context owns its tables in a `<context>.sql.ts` beside its adapters; a new context adds one line here.
 */
export * from "../order/order.sql.ts";
export * from "../menu/menu.sql.ts";

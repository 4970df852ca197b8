import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { MenuItemDocument, Store } from "@cloudcafe/core";

/**
 * The menu on Aurora PostgreSQL, for stages without DocumentDB (the lean profile): one row per item document, keyed
 * by sku, with the fields the reads filter on beside the document; and the stores. The same documents
 * `menu_configs` holds, so a stage can move between the two stores with a sync.
 */
export const menuItems = pgTable(
  "menu_items",
  {
    sku: text("sku").primaryKey(),
    category: text("category").notNull(),
    available: boolean("available").notNull(),
    revision: text("revision").notNull(),
    document: jsonb("document").$type<MenuItemDocument>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("menu_items_available_category_idx").on(t.category, t.sku).where(sql`${t.available}`)],
);

export const menuStores = pgTable("menu_stores", {
  storeId: text("store_id").primaryKey(),
  document: jsonb("document").$type<Store>().notNull(),
});

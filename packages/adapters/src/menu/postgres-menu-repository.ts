import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { menuItemSchema, type MenuRepository, storeSchema } from "@cloudcafe/core";
import type { Logger } from "@cloudcafe/observability";
import type { z } from "zod";
import { validDocuments } from "./valid-documents.ts";
import type { Database } from "../postgres/client.ts";
import { menuItems, menuStores } from "./menu.sql.ts";

/**
 * The menu in PostgreSQL (the lean profile's Aurora, where DocumentDB is left out): the same port and the same
 * documents as `documentDbMenuRepository`, checked with the domain's zod schemas as they are read; a document that
 * fails is left out of the menu with a log line naming it.
 */
export function postgresMenuRepository({ db }: Database, logger: Logger): MenuRepository {
  const valid = <S extends z.ZodType>(schema: S, found: readonly unknown[], what: string) => validDocuments(schema, found, what, logger);

  return {
    async availableItems(category) {
      const rows = await db
        .select({ document: menuItems.document })
        .from(menuItems)
        .where(and(eq(menuItems.available, true), category ? eq(menuItems.category, category) : undefined))
        .orderBy(asc(menuItems.sku));
      // The item schema keeps the item's fields only: availability, image and revision stay bookkeeping.
      return valid(menuItemSchema, rows.map((row) => row.document), "menu_items");
    },

    async revisions(skus) {
      if (skus.length === 0) return new Map();
      const rows = await db.select({ sku: menuItems.sku, revision: menuItems.revision }).from(menuItems).where(inArray(menuItems.sku, [...skus]));
      return new Map(rows.map((row) => [row.sku, row.revision]));
    },

    async upsert(documents) {
      if (documents.length === 0) return { created: 0, updated: 0 };
      const rows = await db
        .insert(menuItems)
        .values(documents.map((document) => ({ sku: document.sku, category: document.category, available: document.available, revision: document.revision, document })))
        .onConflictDoUpdate({
          target: menuItems.sku,
          set: {
            category: sql`excluded.category`,
            available: sql`excluded.available`,
            revision: sql`excluded.revision`,
            document: sql`excluded.document`,
            updatedAt: sql`now()`,
          },
        })
        // A row PostgreSQL inserted has no xmax; one it updated has the updating transaction's.
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      const created = rows.filter((row) => row.inserted).length;
      return { created, updated: rows.length - created };
    },

    async stores() {
      const rows = await db.select({ document: menuStores.document }).from(menuStores).orderBy(asc(menuStores.storeId));
      return valid(storeSchema, rows.map((row) => row.document), "menu_stores");
    },

    async loadIfEmpty(items, stores) {
      const [any] = await db.select({ sku: menuItems.sku }).from(menuItems).limit(1);
      if (any) return false;
      // Inserts that never overwrite: two tasks starting on an empty table load it once between them.
      if (items.length > 0) {
        await db
          .insert(menuItems)
          .values(items.map((document) => ({ sku: document.sku, category: document.category, available: document.available, revision: document.revision, document })))
          .onConflictDoNothing();
      }
      if (stores.length > 0) await db.insert(menuStores).values(stores.map((store) => ({ storeId: store.storeId, document: store }))).onConflictDoNothing();
      return true;
    },
  };
}

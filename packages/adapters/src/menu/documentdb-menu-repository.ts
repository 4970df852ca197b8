import { type AnyBulkWriteOperation, MongoBulkWriteError } from "mongodb";
import { documentDatabase } from "@cloudcafe/catalog";
import { menuItemSchema, type MenuItemDocument, type MenuRepository, type Store, storeSchema } from "@cloudcafe/core";
import type { Logger } from "@cloudcafe/observability";
import type { z } from "zod";
import { validDocuments } from "./valid-documents.ts";
import type { DocumentDb } from "../documentdb/client.ts";

const { menuConfigs, stores: storesCollection } = documentDatabase.collections;
const DUPLICATE_KEY = 11000;

/** A bulk insert that lost a race to an identical one: every failure is a duplicate key. */
function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return failures.every((failure) => failure.code === DUPLICATE_KEY);
}

/** What a menu read returns of an item document: the item, never the stored bookkeeping (`_id`, revision, image). */
const itemFields = { _id: 0, sku: 1, name: 1, category: 1, prices: 1, options: 1, taxClass: 1 } as const;

/**
 * The menu in DocumentDB through the official driver: `menu_configs` (one document per item, unique by `sku`, indexed
 * by `category`) and the store metadata beside it. Documents are checked with the domain's zod schemas as they are
 * read; one that fails is left out of the menu with a log line naming it, rather than breaking every menu read.
 */
export function documentDbMenuRepository(documents: DocumentDb, logger: Logger): MenuRepository & { ensureIndexes(): Promise<void> } {
  const valid = <S extends z.ZodType>(schema: S, found: readonly unknown[], what: string) => validDocuments(schema, found, what, logger);

  return {
    async ensureIndexes() {
      await documents.run(async (db) => {
        await db.collection(menuConfigs).createIndexes([
          { key: { sku: 1 }, name: "sku_unique", unique: true },
          { key: { category: 1 }, name: "category" },
        ]);
        await db.collection(storesCollection).createIndexes([{ key: { storeId: 1 }, name: "store_id_unique", unique: true }]);
      });
    },

    async availableItems(category) {
      const found = await documents.run((db) =>
        db
          .collection(menuConfigs)
          .find({ available: true, ...(category ? { category } : {}) }, { projection: itemFields, sort: { sku: 1 } })
          .toArray(),
      );
      return valid(menuItemSchema, found, menuConfigs);
    },

    async revisions(skus) {
      if (skus.length === 0) return new Map();
      const found = await documents.run((db) =>
        db.collection(menuConfigs).find({ sku: { $in: [...skus] } }, { projection: { _id: 0, sku: 1, revision: 1 } }).toArray(),
      );
      return new Map(found.map((document) => [String(document.sku), String(document.revision)]));
    },

    async upsert(items) {
      const writes: AnyBulkWriteOperation[] = items.map((item) => ({
        updateOne: {
          filter: { sku: item.sku },
          // `$unset` drops an image the item no longer has; everything else is replaced by `$set`.
          update: { $set: item, ...(item.image ? {} : { $unset: { image: "" } }) },
          upsert: true,
        },
      }));
      const result = await documents.run((db) => db.collection(menuConfigs).bulkWrite(writes, { ordered: false }));
      return { created: result.upsertedCount, updated: result.matchedCount };
    },

    async stores() {
      const found = await documents.run((db) =>
        db.collection(storesCollection).find({}, { projection: { _id: 0 }, sort: { storeId: 1 } }).toArray(),
      );
      return valid(storeSchema, found, storesCollection);
    },

    async loadIfEmpty(items, stores) {
      return documents.run(async (db) => {
        if (await db.collection(menuConfigs).findOne({}, { projection: { _id: 1 } })) return false;
        // Inserts that never overwrite: two replicas starting on an empty collection load it once between them.
        const insertOnly = <T extends object>(key: keyof T & string, values: readonly T[]) =>
          values.map((value) => ({ updateOne: { filter: { [key]: value[key] }, update: { $setOnInsert: value }, upsert: true } }));
        const load = async (collection: string, writes: AnyBulkWriteOperation[]) => {
          if (writes.length === 0) return;
          await db
            .collection(collection)
            .bulkWrite(writes, { ordered: false })
            .catch((error: unknown) => {
              if (!onlyDuplicates(error)) throw error;
            });
        };
        await load(menuConfigs, insertOnly<MenuItemDocument>("sku", items));
        await load(storesCollection, insertOnly<Store>("storeId", stores));
        return true;
      });
    },
  };
}

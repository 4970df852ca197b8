import type { MenuCategory, MenuItem, MenuItemDocument, Store } from "./schema.ts";

/** Lookups an order is priced with: one snapshot of the menu and the stores. */
export interface MenuCatalog {
  item(sku: string): MenuItem | undefined;
  store(storeId: string): Store | undefined;
}

/** The menu's system of record (DocumentDB `menu_configs`, and its stores). */
export interface MenuRepository {
  /** Items on sale, ordered by sku; only one category's when given. */
  availableItems(category?: MenuCategory): Promise<MenuItem[]>;
  /** The stored revision of each of these skus that exists. */
  revisions(skus: readonly string[]): Promise<Map<string, string>>;
  /** Writes each document by sku, inserting or replacing it; says how many were new and how many replaced. */
  upsert(documents: readonly MenuItemDocument[]): Promise<{ created: number; updated: number }>;
  stores(): Promise<Store[]>;
  /** Loads these items and stores unless the collection already has items; true when it loaded them. */
  loadIfEmpty(items: readonly MenuItemDocument[], stores: readonly Store[]): Promise<boolean>;
}

/**
 * What a cache lookup found: the text cached under the key for the current menu version, and that version, which a
 * loader writes its result back under. No version: the cache is unreachable, so nothing is written back.
 */
export interface MenuCacheLookup {
  value: string | undefined;
  version: number | undefined;
}

/**
 * Menu reads cached as published text (Redis), under keys versioned by the menu version: `invalidate` moves every
 * reader to the next version's keys, so a read that loaded the menu before a sync cannot re-cache what it read
 * where later readers look. A failing cache answers misses and never fails a request; a failed invalidation is
 * logged, and the cached copies it missed expire with their TTL.
 */
export interface MenuCache {
  lookup(key: string): Promise<MenuCacheLookup>;
  store(key: string, version: number, value: string, ttlSeconds: number): Promise<void>;
  invalidate(): Promise<void>;
}

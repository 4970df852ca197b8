import { createHash } from "node:crypto";
import { AppError } from "../errors.ts";
import { singleFlight } from "../single-flight.ts";
import { isOpenAt } from "./catalog.ts";
import type { MenuCache, MenuRepository } from "./ports.ts";
import { MAX_SYNC_ITEMS, type MenuCategory, type MenuItemsResponse, type Store, type StoresResponse, type SyncReport } from "./schema.ts";
import { starterMenuItems, starterStores } from "./starter.ts";
import { checkSyncItems, menuItemDocument } from "./sync.ts";

/** A menu read as served: the JSON text of `MenuItemsResponse` and its entity tag (strong, from the text). */
export interface PublishedMenu {
  etag: string;
  body: string;
}

export interface MenuServiceDeps {
  repository: MenuRepository;
  cache: MenuCache;
  /** How long reads stay cached: the items (5 minutes in the architecture) and the store metadata (1 hour). */
  ttlSeconds: { items: number; stores: number };
  clock?: () => Date;
  /** Reports where a read was served from (cache-hit metrics). */
  onRead?: (read: { key: string; source: "cache" | "database" }) => void;
}

const entityTag = (body: string) => `"${createHash("sha256").update(body).digest("base64url")}"`;
/** Cached as one string, the tag on the first line: a cache hit is served without parsing or hashing. */
const packed = (menu: PublishedMenu) => `${menu.etag}\n${menu.body}`;
const unpacked = (text: string): PublishedMenu => {
  const newline = text.indexOf("\n");
  return { etag: text.slice(0, newline), body: text.slice(newline + 1) };
};

export function createMenuService(deps: MenuServiceDeps) {
  const now = deps.clock ?? (() => new Date());
  const coalesced = singleFlight<string>();

  /** Cache first; on a miss one load per key and process, whatever the number of concurrent callers, written back. */
  function cached(key: string, ttlSeconds: number, load: () => Promise<string>): Promise<string> {
    return coalesced(key, async () => {
      const { value, version } = await deps.cache.lookup(key);
      if (value !== undefined) {
        deps.onRead?.({ key, source: "cache" });
        return value;
      }
      const loaded = await load();
      deps.onRead?.({ key, source: "database" });
      if (version !== undefined) await deps.cache.store(key, version, loaded, ttlSeconds);
      return loaded;
    });
  }

  /** Every item on sale, or one category's (unknown categories are refused before this). */
  async function items(category?: MenuCategory): Promise<PublishedMenu> {
    const text = await cached(`items:${category ?? "all"}`, deps.ttlSeconds.items, async () => {
      const response: MenuItemsResponse = { items: await deps.repository.availableItems(category) };
      const body = JSON.stringify(response);
      return packed({ etag: entityTag(body), body });
    });
    return unpacked(text);
  }

  /** The stores with their hours; whether each is open is worked out per request, never cached. */
  async function stores(): Promise<StoresResponse> {
    const text = await cached("stores", deps.ttlSeconds.stores, async () => JSON.stringify(await deps.repository.stores()));
    const at = now();
    return { stores: (JSON.parse(text) as Store[]).map((store) => ({ ...store, open: isOpenAt(store, at) })) };
  }

  /**
   * Upserts a batch from the central catalog: each item is checked on its own (rejected ones change nothing and come
   * back with their reasons), items whose content is what is stored are left alone, and the cache moves on to the
   * new version when anything changed. Repeating a sync is a no-op.
   */
  async function sync(items: readonly unknown[]): Promise<SyncReport> {
    if (items.length > MAX_SYNC_ITEMS) throw new AppError("PAYLOAD_TOO_LARGE", `A sync carries at most ${MAX_SYNC_ITEMS} items, not ${items.length}`);
    const { accepted, rejections } = await checkSyncItems(items, now());
    const stored = await deps.repository.revisions(accepted.map((document) => document.sku));
    const changed = accepted.filter((document) => stored.get(document.sku) !== document.revision);
    const { created, updated } = changed.length > 0 ? await deps.repository.upsert(changed) : { created: 0, updated: 0 };
    if (changed.length > 0) await deps.cache.invalidate();
    return { received: items.length, created, updated, unchanged: accepted.length - created - updated, rejected: rejections.length, rejections };
  }

  /** Loads the starter menu into an empty collection (a fresh stage or laptop); true when it did. */
  async function loadStarterMenu(): Promise<boolean> {
    const at = now();
    const loaded = await deps.repository.loadIfEmpty(
      starterMenuItems.map((item) => menuItemDocument(item, undefined, at)),
      starterStores,
    );
    if (loaded) await deps.cache.invalidate();
    return loaded;
  }

  return { items, stores, sync, loadStarterMenu };
}

export type MenuService = ReturnType<typeof createMenuService>;

import type { MenuCatalog } from "./ports.ts";
import { type MenuItem, type Store, sizes, weekdays } from "./schema.ts";

/** A catalog over one snapshot of the items and stores. */
export function menuCatalogOf(items: readonly MenuItem[], stores: readonly Store[]): MenuCatalog {
  const bySku = new Map(items.map((item) => [item.sku, item]));
  const byId = new Map(stores.map((store) => [store.storeId, store]));
  return { item: (sku) => bySku.get(sku), store: (storeId) => byId.get(storeId) };
}

/** Prices in size order, so one item always reads (and hashes) the same whatever order it was sent in. */
export function pricesInSizeOrder(prices: MenuItem["prices"]): MenuItem["prices"] {
  return Object.fromEntries(sizes.flatMap((size) => (prices[size] === undefined ? [] : [[size, prices[size]]])));
}

/** Whether the store is open at `at`, by its opening hours in its own time zone. */
export function isOpenAt(store: Store, at: Date): boolean {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: store.timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const day = weekdays.find((d) => d === part("weekday").toLowerCase());
  const time = `${part("hour")}:${part("minute")}`;
  return store.openingHours.some((hours) => hours.day === day && hours.opens <= time && time < hours.closes);
}

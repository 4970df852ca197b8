import type { InferResponseType, hc } from "hono/client";
import type { InventoryApp } from "@cloudcafe/inventory/app";
import type { MenuLookup } from "../menu/menu-book.ts";

type Inventory = ReturnType<typeof hc<InventoryApp>>["api"]["inventory"];
/** `GET /api/inventory/store/:storeId`: what a store has on hand, reserved and free to order, per SKU. */
export type StoreStock = InferResponseType<Inventory["store"][":storeId"]["$get"], 200>;

export interface AvailabilityRow {
  sku: string;
  /** The menu's name for the SKU when the console has read its category; the SKU otherwise. */
  name: string;
  available: number;
  soldOut: boolean;
}

/** A few left: worth saying so before the order is placed. */
export const LOW_STOCK = 5;

/** The store's SKUs, sold-out ones first, then the scarcest, as the console lists them. */
export function availabilityRows(stock: StoreStock, menu: MenuLookup): AvailabilityRow[] {
  return stock.items
    .map((item) => ({ sku: item.sku, name: menu.item(item.sku)?.name ?? item.sku, available: Math.max(0, item.available), soldOut: item.available <= 0 }))
    .sort((a, b) => a.available - b.available || a.name.localeCompare(b.name));
}

/** How an item's availability reads next to its name. */
export function availabilityLabel(row: Pick<AvailabilityRow, "available" | "soldOut">): string {
  if (row.soldOut) return "sold out";
  return row.available <= LOW_STOCK ? `only ${row.available} left` : `${row.available} available`;
}

/** What the store has free to order of one SKU, or undefined when the store's stock does not list it (not tracked). */
export function availableOf(stock: StoreStock | undefined, sku: string): number | undefined {
  const item = stock?.items.find((candidate) => candidate.sku === sku);
  return item && Math.max(0, item.available);
}

/**
 * Why adding `quantity` more of a SKU (with `inCart` already in the cart) is refused at the chosen store, or undefined:
 * the console says so before the order is placed, rather than after the server rejects it.
 */
export function stockRefusal(stock: StoreStock | undefined, sku: string, quantity: number, inCart: number): string | undefined {
  const available = availableOf(stock, sku);
  if (available === undefined || quantity + inCart <= available) return undefined;
  if (available === 0) return "Sold out at this store.";
  return `Only ${available} left at this store${inCart > 0 ? ` (${inCart} already in the cart)` : ""}.`;
}

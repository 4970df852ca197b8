import type { MenuCategory, MenuItem, Store } from "../api/types.ts";

/** The menu's categories in the order the console shows them, with their titles (every category, by its type). */
export const CATEGORY_TITLES: Record<MenuCategory, string> = {
  espresso: "Espresso",
  brewed: "Brewed coffee",
  tea: "Tea",
  cold: "Cold drinks",
  bakery: "Bakery",
  food: "Food",
};
export const categories = Object.keys(CATEGORY_TITLES) as MenuCategory[];

/** What the cart needs of the menu: an item by its sku. */
export interface MenuLookup {
  item(sku: string): MenuItem | undefined;
}

/**
 * What the console knows of the menu: the stores, and the items of each category read so far from the Menu
 * service. A category read again replaces what was known of it, so an item taken off the menu disappears.
 */
export interface MenuBook extends MenuLookup {
  readonly stores: readonly Store[];
  items(category: MenuCategory): readonly MenuItem[] | undefined;
  setCategory(category: MenuCategory, items: readonly MenuItem[]): void;
}

export function createMenuBook(stores: readonly Store[]): MenuBook {
  const byCategory = new Map<MenuCategory, readonly MenuItem[]>();
  const bySku = new Map<string, MenuItem>();
  return {
    stores,
    item: (sku) => bySku.get(sku),
    items: (category) => byCategory.get(category),
    setCategory(category, items) {
      for (const item of byCategory.get(category) ?? []) bySku.delete(item.sku);
      byCategory.set(category, items);
      for (const item of items) bySku.set(item.sku, item);
    },
  };
}

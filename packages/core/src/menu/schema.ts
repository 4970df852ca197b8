/** The menu's shapes: what CloudCafe sells, in which sizes, and the stores that sell it. */
export const drinkSizes = ["short", "tall", "grande", "venti"] as const;
export type DrinkSize = (typeof drinkSizes)[number];
export type Size = DrinkSize | "single";

export type MenuCategory = "espresso" | "brewed" | "tea" | "cold" | "bakery" | "food";

export interface MenuOption {
  code: string;
  name: string;
  priceCents: number;
}

export interface MenuItem {
  sku: string;
  name: string;
  category: MenuCategory;
  /** Price per size offered; food is sold as `single`. */
  prices: Partial<Record<Size, number>>;
  /** Option codes this item accepts. */
  options: readonly string[];
  /** Food is taxed at the prepared-food rate, drinks at the beverage rate (both per store). */
  taxClass: "beverage" | "prepared_food";
}

export interface Store {
  storeId: string;
  name: string;
  /** Sales tax rates as decimal fractions, per tax class. */
  taxRates: { beverage: number; prepared_food: number };
}

import type { MenuCatalog } from "./ports.ts";
import type { MenuItem, MenuOption, Store } from "./schema.ts";

/**
 * The seed menu: what CloudCafe sells and for how much. The Order service prices orders from it on the server;
 * the Menu service will own it (DocumentDB `menu_configs`) once it lands, behind the same `MenuCatalog` port.
 */
export const menuOptions: readonly MenuOption[] = [
  { code: "extra-shot", name: "Extra espresso shot", priceCents: 90 },
  { code: "decaf", name: "Decaf", priceCents: 0 },
  { code: "oat-milk", name: "Oat milk", priceCents: 70 },
  { code: "almond-milk", name: "Almond milk", priceCents: 70 },
  { code: "soy-milk", name: "Soy milk", priceCents: 60 },
  { code: "vanilla-syrup", name: "Vanilla syrup", priceCents: 60 },
  { code: "caramel-syrup", name: "Caramel syrup", priceCents: 60 },
  { code: "hazelnut-syrup", name: "Hazelnut syrup", priceCents: 60 },
  { code: "whipped-cream", name: "Whipped cream", priceCents: 50 },
  { code: "extra-hot", name: "Extra hot", priceCents: 0 },
  { code: "light-ice", name: "Light ice", priceCents: 0 },
  { code: "cold-foam", name: "Vanilla sweet cream cold foam", priceCents: 125 },
  { code: "warmed", name: "Warmed", priceCents: 0 },
];

const milkDrinkOptions = ["extra-shot", "decaf", "oat-milk", "almond-milk", "soy-milk", "vanilla-syrup", "caramel-syrup", "hazelnut-syrup", "whipped-cream", "extra-hot"];
const coldOptions = ["extra-shot", "decaf", "oat-milk", "almond-milk", "vanilla-syrup", "caramel-syrup", "light-ice", "cold-foam"];

export const menuItems: readonly MenuItem[] = [
  { sku: "ESP-001", name: "Espresso", category: "espresso", prices: { short: 245, tall: 275 }, options: ["extra-shot", "decaf"], taxClass: "beverage" },
  { sku: "ESP-002", name: "Americano", category: "espresso", prices: { short: 295, tall: 345, grande: 395, venti: 445 }, options: ["extra-shot", "decaf", "extra-hot"], taxClass: "beverage" },
  { sku: "ESP-003", name: "Caffè Latte", category: "espresso", prices: { short: 375, tall: 425, grande: 495, venti: 545 }, options: milkDrinkOptions, taxClass: "beverage" },
  { sku: "ESP-004", name: "Cappuccino", category: "espresso", prices: { short: 375, tall: 425, grande: 495, venti: 545 }, options: milkDrinkOptions, taxClass: "beverage" },
  { sku: "ESP-005", name: "Flat White", category: "espresso", prices: { short: 425, tall: 475, grande: 545 }, options: milkDrinkOptions, taxClass: "beverage" },
  { sku: "ESP-006", name: "Caramel Macchiato", category: "espresso", prices: { tall: 495, grande: 565, venti: 625 }, options: milkDrinkOptions, taxClass: "beverage" },
  { sku: "ESP-007", name: "Caffè Mocha", category: "espresso", prices: { tall: 475, grande: 545, venti: 595 }, options: milkDrinkOptions, taxClass: "beverage" },
  { sku: "BRW-001", name: "Pike Place Roast", category: "brewed", prices: { short: 225, tall: 265, grande: 305, venti: 335 }, options: ["decaf", "oat-milk", "almond-milk", "soy-milk", "extra-hot"], taxClass: "beverage" },
  { sku: "BRW-002", name: "Cold Brew", category: "cold", prices: { tall: 395, grande: 445, venti: 495 }, options: coldOptions, taxClass: "beverage" },
  { sku: "BRW-003", name: "Nitro Cold Brew", category: "cold", prices: { tall: 475, grande: 525 }, options: ["cold-foam", "vanilla-syrup"], taxClass: "beverage" },
  { sku: "ICE-001", name: "Iced Latte", category: "cold", prices: { tall: 445, grande: 515, venti: 575 }, options: coldOptions, taxClass: "beverage" },
  { sku: "TEA-001", name: "Chai Tea Latte", category: "tea", prices: { tall: 445, grande: 515, venti: 565 }, options: ["oat-milk", "almond-milk", "soy-milk", "extra-hot", "whipped-cream"], taxClass: "beverage" },
  { sku: "TEA-002", name: "Matcha Latte", category: "tea", prices: { tall: 475, grande: 545, venti: 595 }, options: ["oat-milk", "almond-milk", "soy-milk", "vanilla-syrup"], taxClass: "beverage" },
  { sku: "TEA-003", name: "Earl Grey Tea", category: "tea", prices: { tall: 275, grande: 295, venti: 315 }, options: ["oat-milk", "extra-hot"], taxClass: "beverage" },
  { sku: "BAK-001", name: "Butter Croissant", category: "bakery", prices: { single: 345 }, options: ["warmed"], taxClass: "prepared_food" },
  { sku: "BAK-002", name: "Blueberry Muffin", category: "bakery", prices: { single: 325 }, options: ["warmed"], taxClass: "prepared_food" },
  { sku: "BAK-003", name: "Chocolate Chip Cookie", category: "bakery", prices: { single: 275 }, options: ["warmed"], taxClass: "prepared_food" },
  { sku: "BAK-004", name: "Cinnamon Roll", category: "bakery", prices: { single: 395 }, options: ["warmed"], taxClass: "prepared_food" },
  { sku: "FOD-001", name: "Bacon, Gouda & Egg Sandwich", category: "food", prices: { single: 575 }, options: [], taxClass: "prepared_food" },
  { sku: "FOD-002", name: "Spinach & Feta Wrap", category: "food", prices: { single: 525 }, options: [], taxClass: "prepared_food" },
  { sku: "FOD-003", name: "Avocado Toast", category: "food", prices: { single: 625 }, options: [], taxClass: "prepared_food" },
  { sku: "FOD-004", name: "Protein Box", category: "food", prices: { single: 745 }, options: [], taxClass: "prepared_food" },
];

export const stores: readonly Store[] = [
  { storeId: "store-sea-001", name: "Seattle Pike Place", taxRates: { beverage: 0.1035, prepared_food: 0.1035 } },
  { storeId: "store-nyc-001", name: "New York Times Square", taxRates: { beverage: 0.08875, prepared_food: 0.08875 } },
  { storeId: "store-aus-001", name: "Austin Congress Ave", taxRates: { beverage: 0.0825, prepared_food: 0.0825 } },
  { storeId: "store-pdx-001", name: "Portland Pearl District", taxRates: { beverage: 0, prepared_food: 0 } },
  { storeId: "store-chi-001", name: "Chicago Loop", taxRates: { beverage: 0.1025, prepared_food: 0.1175 } },
];

export function seedMenuCatalog(): MenuCatalog {
  const items = new Map(menuItems.map((i) => [i.sku, i]));
  const options = new Map(menuOptions.map((o) => [o.code, o]));
  const storesById = new Map(stores.map((s) => [s.storeId, s]));
  return {
    item: (sku) => items.get(sku),
    option: (code) => options.get(code),
    store: (storeId) => storesById.get(storeId),
  };
}

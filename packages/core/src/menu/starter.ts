import type { MenuCategory, MenuItem, MenuOption, Size, Store, TaxClass } from "./schema.ts";

/**
 * The starter menu: what a fresh CloudCafe sells and where. The Menu service loads it into DocumentDB when its
 * collection is empty (`npm start`, a new stage); after that the central catalog changes it through
 * `POST /api/menu/sync`.
 */
const options = {
  "extra-shot": { name: "Extra espresso shot", priceCents: 90 },
  decaf: { name: "Decaf", priceCents: 0 },
  "oat-milk": { name: "Oat milk", priceCents: 70 },
  "almond-milk": { name: "Almond milk", priceCents: 70 },
  "soy-milk": { name: "Soy milk", priceCents: 60 },
  "vanilla-syrup": { name: "Vanilla syrup", priceCents: 60 },
  "caramel-syrup": { name: "Caramel syrup", priceCents: 60 },
  "hazelnut-syrup": { name: "Hazelnut syrup", priceCents: 60 },
  "whipped-cream": { name: "Whipped cream", priceCents: 50 },
  "extra-hot": { name: "Extra hot", priceCents: 0 },
  "light-ice": { name: "Light ice", priceCents: 0 },
  "cold-foam": { name: "Vanilla sweet cream cold foam", priceCents: 125 },
  warmed: { name: "Warmed", priceCents: 0 },
} as const satisfies Record<string, Omit<MenuOption, "code">>;
type OptionCode = keyof typeof options;

const milkDrink: OptionCode[] = ["extra-shot", "decaf", "oat-milk", "almond-milk", "soy-milk", "vanilla-syrup", "caramel-syrup", "hazelnut-syrup", "whipped-cream", "extra-hot"];
const cold: OptionCode[] = ["extra-shot", "decaf", "oat-milk", "almond-milk", "vanilla-syrup", "caramel-syrup", "light-ice", "cold-foam"];

function item(sku: string, name: string, category: MenuCategory, prices: Partial<Record<Size, number>>, codes: OptionCode[], taxClass: TaxClass): MenuItem {
  return { sku, name, category, prices, options: codes.map((code) => ({ code, ...options[code] })), taxClass };
}

export const starterMenuItems: readonly MenuItem[] = [
  item("ESP-001", "Espresso", "espresso", { short: 245, tall: 275 }, ["extra-shot", "decaf"], "beverage"),
  item("ESP-002", "Americano", "espresso", { short: 295, tall: 345, grande: 395, venti: 445 }, ["extra-shot", "decaf", "extra-hot"], "beverage"),
  item("ESP-003", "Caffè Latte", "espresso", { short: 375, tall: 425, grande: 495, venti: 545 }, milkDrink, "beverage"),
  item("ESP-004", "Cappuccino", "espresso", { short: 375, tall: 425, grande: 495, venti: 545 }, milkDrink, "beverage"),
  item("ESP-005", "Flat White", "espresso", { short: 425, tall: 475, grande: 545 }, milkDrink, "beverage"),
  item("ESP-006", "Caramel Macchiato", "espresso", { tall: 495, grande: 565, venti: 625 }, milkDrink, "beverage"),
  item("ESP-007", "Caffè Mocha", "espresso", { tall: 475, grande: 545, venti: 595 }, milkDrink, "beverage"),
  item("BRW-001", "Pike Place Roast", "brewed", { short: 225, tall: 265, grande: 305, venti: 335 }, ["decaf", "oat-milk", "almond-milk", "soy-milk", "extra-hot"], "beverage"),
  item("BRW-002", "Cold Brew", "cold", { tall: 395, grande: 445, venti: 495 }, cold, "beverage"),
  item("BRW-003", "Nitro Cold Brew", "cold", { tall: 475, grande: 525 }, ["cold-foam", "vanilla-syrup"], "beverage"),
  item("ICE-001", "Iced Latte", "cold", { tall: 445, grande: 515, venti: 575 }, cold, "beverage"),
  item("TEA-001", "Chai Tea Latte", "tea", { tall: 445, grande: 515, venti: 565 }, ["oat-milk", "almond-milk", "soy-milk", "extra-hot", "whipped-cream"], "beverage"),
  item("TEA-002", "Matcha Latte", "tea", { tall: 475, grande: 545, venti: 595 }, ["oat-milk", "almond-milk", "soy-milk", "vanilla-syrup"], "beverage"),
  item("TEA-003", "Earl Grey Tea", "tea", { tall: 275, grande: 295, venti: 315 }, ["oat-milk", "extra-hot"], "beverage"),
  item("BAK-001", "Butter Croissant", "bakery", { single: 345 }, ["warmed"], "prepared_food"),
  item("BAK-002", "Blueberry Muffin", "bakery", { single: 325 }, ["warmed"], "prepared_food"),
  item("BAK-003", "Chocolate Chip Cookie", "bakery", { single: 275 }, ["warmed"], "prepared_food"),
  item("BAK-004", "Cinnamon Roll", "bakery", { single: 395 }, ["warmed"], "prepared_food"),
  item("FOD-001", "Bacon, Gouda & Egg Sandwich", "food", { single: 575 }, [], "prepared_food"),
  item("FOD-002", "Spinach & Feta Wrap", "food", { single: 525 }, [], "prepared_food"),
  item("FOD-003", "Avocado Toast", "food", { single: 625 }, [], "prepared_food"),
  item("FOD-004", "Protein Box", "food", { single: 745 }, [], "prepared_food"),
];

const weekdaysAndWeekend = (week: [string, string], weekend: [string, string]): Store["openingHours"] => [
  ...(["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, opens: week[0], closes: week[1] })),
  ...(["sat", "sun"] as const).map((day) => ({ day, opens: weekend[0], closes: weekend[1] })),
];

export const starterStores: readonly Store[] = [
  {
    storeId: "store-sea-001",
    name: "Seattle Pike Place",
    city: "Seattle",
    timeZone: "America/Los_Angeles",
    openingHours: weekdaysAndWeekend(["06:00", "20:00"], ["07:00", "20:00"]),
    taxRates: { beverage: 0.1035, prepared_food: 0.1035 },
  },
  {
    storeId: "store-nyc-001",
    name: "New York Times Square",
    city: "New York",
    timeZone: "America/New_York",
    openingHours: weekdaysAndWeekend(["05:30", "23:00"], ["06:00", "23:00"]),
    taxRates: { beverage: 0.08875, prepared_food: 0.08875 },
  },
  {
    storeId: "store-aus-001",
    name: "Austin Congress Ave",
    city: "Austin",
    timeZone: "America/Chicago",
    openingHours: weekdaysAndWeekend(["06:00", "19:00"], ["07:00", "18:00"]),
    taxRates: { beverage: 0.0825, prepared_food: 0.0825 },
  },
  {
    storeId: "store-pdx-001",
    name: "Portland Pearl District",
    city: "Portland",
    timeZone: "America/Los_Angeles",
    openingHours: weekdaysAndWeekend(["06:30", "19:00"], ["07:30", "17:00"]),
    taxRates: { beverage: 0, prepared_food: 0 },
  },
  {
    storeId: "store-chi-001",
    name: "Chicago Loop",
    city: "Chicago",
    timeZone: "America/Chicago",
    // Closed on Sundays: the Loop empties at weekends.
    openingHours: [
      ...(["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, opens: "06:00", closes: "19:00" })),
      { day: "sat", opens: "08:00", closes: "16:00" },
    ],
    taxRates: { beverage: 0.1025, prepared_food: 0.1175 },
  },
];

import { z } from "zod";

/**
 * The menu's shapes: what CloudCafe sells, in which sizes, and the stores that sell it. Each schema carries its
 * name (`id`) and descriptions as zod metadata, which the services' OpenAPI documents are generated from.
 */
export const drinkSizes = ["short", "tall", "grande", "venti"] as const;
export type DrinkSize = (typeof drinkSizes)[number];
export const sizes = [...drinkSizes, "single"] as const;
export type Size = (typeof sizes)[number];

export const menuCategories = ["espresso", "brewed", "tea", "cold", "bakery", "food"] as const;
export type MenuCategory = (typeof menuCategories)[number];

const taxClasses = ["beverage", "prepared_food"] as const;

export const menuOptionSchema = z
  .object({ code: z.string(), name: z.string(), priceCents: z.number().int() })
  .meta({ id: "MenuOption", description: "An option a line can take, and what it adds to the unit price." });
export type MenuOption = z.infer<typeof menuOptionSchema>;

export const menuItemSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    category: z.enum(menuCategories),
    prices: z.partialRecord(z.enum(sizes), z.number().int()).describe("Price in cents per size offered; food is sold as `single`."),
    options: z.array(z.string()).readonly().describe("Option codes this item accepts."),
    taxClass: z.enum(taxClasses).describe("Food is taxed at the prepared-food rate, drinks at the beverage rate (both per store)."),
  })
  .meta({ id: "MenuItem" });
export type MenuItem = z.infer<typeof menuItemSchema>;

export const storeSchema = z
  .object({
    storeId: z.string(),
    name: z.string(),
    taxRates: z
      .object({ beverage: z.number(), prepared_food: z.number() })
      .describe("Sales tax rates as decimal fractions, per tax class."),
  })
  .meta({ id: "Store" });
export type Store = z.infer<typeof storeSchema>;

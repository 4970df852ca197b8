import { z } from "zod";

/**
 * The menu's shapes: what CloudCafe sells, in which sizes, with which options, and the stores that sell it. The Menu
 * service owns them (DocumentDB `menu_configs`); the order service prices from them. Each schema carries its name
 * (`id`) and descriptions as zod metadata, which the services' OpenAPI documents are generated from. Browser-safe:
 * the web console imports the types.
 */
export const drinkSizes = ["short", "tall", "grande", "venti"] as const;
export type DrinkSize = (typeof drinkSizes)[number];
export const sizes = [...drinkSizes, "single"] as const;
export type Size = (typeof sizes)[number];

export const menuCategories = ["espresso", "brewed", "tea", "cold", "bakery", "food"] as const;
export type MenuCategory = (typeof menuCategories)[number];
export const menuCategorySchema = z.enum(menuCategories);

export const taxClasses = ["beverage", "prepared_food"] as const;
export type TaxClass = (typeof taxClasses)[number];

/** A stock-keeping unit: three capitals, a dash, three to five digits (`ESP-003`, `SYN-04711`). */
export const skuSchema = z.string().regex(/^[A-Z]{3}-\d{3,5}$/, "must look like ESP-003");

const cents = (max: number) => z.number().int().min(0).max(max);

export const menuOptionSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lower-case words joined by '-'").max(40),
    name: z.string().trim().min(1).max(80),
    priceCents: cents(10_000),
  })
  .meta({ id: "MenuOption", description: "An option a line can take, and what it adds to the unit price." });
export type MenuOption = z.infer<typeof menuOptionSchema>;

/** Price in cents per size offered: at least one, and either `single` (food) or drink sizes, never both. */
const pricesSchema = z
  .partialRecord(z.enum(sizes), cents(100_000).min(1))
  .superRefine((prices, context) => {
    const offered = Object.keys(prices);
    if (offered.length === 0) context.addIssue({ code: "custom", message: "must price at least one size" });
    if (offered.includes("single") && offered.length > 1) context.addIssue({ code: "custom", message: "an item sold as single has no drink sizes" });
  })
  .describe("Price in cents per size offered; food is sold as `single`.");

/** The options an item takes, each code once. */
const optionsSchema = z
  .array(menuOptionSchema)
  .max(40)
  .superRefine((options, context) => {
    const seen = new Set<string>();
    options.forEach((option, index) => {
      if (seen.has(option.code)) context.addIssue({ code: "custom", path: [index, "code"], message: `option ${option.code} given twice` });
      seen.add(option.code);
    });
  })
  .describe("The options this item takes, with their prices.");

const itemShape = {
  sku: skuSchema,
  name: z.string().trim().min(1).max(120),
  category: menuCategorySchema,
  prices: pricesSchema,
  options: optionsSchema,
  taxClass: z.enum(taxClasses).describe("Food is taxed at the prepared-food rate, drinks at the beverage rate (both per store)."),
};

export const menuItemSchema = z.object(itemShape).meta({ id: "MenuItem" });
export type MenuItem = z.infer<typeof menuItemSchema>;

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Largest image a sync accepts inline (base64 of 48 KiB); the body limit caps the whole sync. */
export const MAX_IMAGE_BASE64_CHARS = 64 * 1024;

/**
 * An item as the central catalog sends it to `POST /api/menu/sync`: the item, whether it is on sale, and optionally
 * its image with the SHA-256 digest the catalog declared for it (the Menu service checks one against the other).
 */
export const syncItemSchema = z
  .object({
    ...itemShape,
    available: z.boolean().default(true),
    image: z
      .object({
        contentBase64: z.base64().max(MAX_IMAGE_BASE64_CHARS),
        sha256: z.string().regex(SHA256_HEX, "must be 64 lower-case hex digits"),
      })
      .optional(),
  })
  .meta({ id: "MenuSyncItem" });
export type SyncItemInput = z.input<typeof syncItemSchema>;
export type SyncItem = z.output<typeof syncItemSchema>;

/** Most items one sync may carry; more is 413. */
export const MAX_SYNC_ITEMS = 10_000;

/** Items are validated one by one (a bad item is rejected with its reasons, the rest applied), so the body only needs a list. */
export const syncRequestSchema = z
  .object({ items: z.array(z.unknown()).min(1) })
  .meta({ id: "MenuSyncRequest", description: `Up to ${MAX_SYNC_ITEMS} items (see MenuSyncItem).` });

export const syncRejectionSchema = z.object({
  index: z.number().int().describe("Position of the item in the request."),
  sku: z.string().optional(),
  reasons: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type SyncRejection = z.infer<typeof syncRejectionSchema>;

export const syncReportSchema = z
  .object({
    received: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    rejections: z.array(syncRejectionSchema),
  })
  .meta({ id: "MenuSyncReport", description: "What a sync did: rejected items change nothing, the rest are applied." });
export type SyncReport = z.infer<typeof syncReportSchema>;

/** What `menu_configs` holds per item: the item, whether it is on sale, its image's digest and size, its revision. */
export const menuItemDocumentSchema = z.object({
  ...itemShape,
  available: z.boolean(),
  image: z.object({ sha256: z.string().regex(SHA256_HEX), bytes: z.number().int().min(0) }).optional(),
  /** Digest of everything above: equal revisions mean an unchanged item. */
  revision: z.string().regex(SHA256_HEX),
  updatedAt: z.date(),
});
export type MenuItemDocument = z.infer<typeof menuItemDocumentSchema>;

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM");

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const storeSchema = z
  .object({
    storeId: z.string().min(1).max(64),
    name: z.string().min(1).max(120),
    city: z.string().min(1).max(80),
    timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as America/Chicago").describe("IANA time zone the opening hours are in."),
    openingHours: z
      .array(z.object({ day: z.enum(weekdays), opens: clockTime, closes: clockTime }))
      .describe("Local opening hours per day; a day not listed is closed."),
    taxRates: z
      .object({ beverage: z.number().min(0).max(1), prepared_food: z.number().min(0).max(1) })
      .describe("Sales tax rates as decimal fractions, per tax class."),
  })
  .meta({ id: "Store" });
export type Store = z.infer<typeof storeSchema>;

export const storeViewSchema = storeSchema.extend({ open: z.boolean().describe("Open now, by its local time.") }).meta({ id: "StoreView" });
export type StoreView = z.infer<typeof storeViewSchema>;

export const menuItemsResponseSchema = z.object({ items: z.array(menuItemSchema) }).meta({ id: "MenuItems" });
export type MenuItemsResponse = z.infer<typeof menuItemsResponseSchema>;
export const storesResponseSchema = z.object({ stores: z.array(storeViewSchema) }).meta({ id: "Stores" });
export type StoresResponse = z.infer<typeof storesResponseSchema>;

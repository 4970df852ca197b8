import type { MenuItem, MenuOption, Store } from "./schema.ts";

/** Read access to the menu; the seed menu (`seed.ts`) today, DocumentDB when the Menu service lands. */
export interface MenuCatalog {
  item(sku: string): MenuItem | undefined;
  option(code: string): MenuOption | undefined;
  store(storeId: string): Store | undefined;
}

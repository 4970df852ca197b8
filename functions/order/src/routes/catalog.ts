import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { menuItemSchema, menuItems, menuOptionSchema, menuOptions, storeSchema, stores } from "@cloudcafe/core";
import { contractRoutes, jsonContent } from "@cloudcafe/http";

const catalogSchema = z
  .object({
    items: z.array(menuItemSchema).readonly(),
    options: z.array(menuOptionSchema).readonly(),
    stores: z.array(storeSchema.pick({ storeId: true, name: true }).meta({ id: "StoreSummary" })),
  })
  .meta({ id: "Catalog" });

const catalog = createRoute({
  method: "get",
  path: "/",
  tags: ["catalog"],
  summary: "The menu and stores orders are priced from",
  responses: { 200: { description: "The seed menu and the stores", content: jsonContent(catalogSchema) } },
});

/** The menu the order service prices from, for the console (the Menu service will serve it once it lands). */
export function catalogRoutes() {
  return contractRoutes().openapi(catalog, (c) =>
    c.json({ items: menuItems, options: menuOptions, stores: stores.map(({ storeId, name }) => ({ storeId, name })) }, 200),
  );
}

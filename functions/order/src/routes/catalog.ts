import { Hono } from "hono";
import { menuItems, menuOptions, stores } from "@cloudcafe/core";

/** The menu the order service prices from, for the console (the Menu service will serve it once it lands). */
export function catalogRoutes() {
  return new Hono().get("/", (c) => c.json({ items: menuItems, options: menuOptions, stores: stores.map(({ storeId, name }) => ({ storeId, name })) }));
}

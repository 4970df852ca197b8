import { type Context, Hono } from "hono";
import { AppError, menuCategories, menuCategorySchema, type MenuService, type PublishedMenu } from "@cloudcafe/core";

/** Clients may keep a menu a minute, then revalidate it with its ETag (a 304 while it is unchanged). */
export const MENU_CACHE_CONTROL = "public, max-age=60";

/** True when `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks of GET) or is `*`. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

function published(c: Context, menu: PublishedMenu) {
  c.header("ETag", menu.etag);
  c.header("Cache-Control", MENU_CACHE_CONTROL);
  if (notModified(c.req.header("if-none-match"), menu.etag)) return c.body(null, 304);
  // Served as cached: the JSON text of `MenuItemsResponse`, not parsed and serialized again.
  c.header("Content-Type", "application/json");
  return c.body(menu.body, 200);
}

/** GET / (every item on sale) and GET /:category, mounted at /api/menu/items. */
export function itemRoutes(service: MenuService) {
  return new Hono()
    .get("/", async (c) => published(c, await service.items()))
    .get("/:category", async (c) => {
      const category = menuCategorySchema.safeParse(c.req.param("category"));
      if (!category.success) {
        throw new AppError("NOT_FOUND", `No menu category ${c.req.param("category")}; the categories are ${menuCategories.join(", ")}`);
      }
      return published(c, await service.items(category.data));
    });
}

import { createRoute } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { z } from "zod";
import { AppError, menuCategories, menuCategorySchema, menuItemsResponseSchema, type MenuItemsResponse, type MenuService, type PublishedMenu } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonContent, validationHook } from "@cloudcafe/http";

/** Clients may keep a menu a minute, then revalidate it with its ETag (a 304 while it is unchanged). */
export const MENU_CACHE_CONTROL = "public, max-age=60";

const tags = ["menu"];
const conditional = z.object({
  "if-none-match": z.string().optional().describe("An ETag of an earlier answer: 304 without a body while the menu is unchanged."),
});
const published = {
  200: {
    description: "The items on sale, by sku",
    headers: z.object({ ETag: z.string(), "Cache-Control": z.literal(MENU_CACHE_CONTROL) }),
    content: jsonContent(menuItemsResponseSchema),
  },
  304: { description: "Unchanged since the ETag in If-None-Match", headers: z.object({ ETag: z.string() }) },
};

const allItems = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Every item on sale",
  description: "Served from Redis (5 minutes), else DocumentDB; one DocumentDB query per process however many readers miss at once.",
  request: { headers: conditional },
  responses: { ...published, ...errorResponses("DEPENDENCY_UNAVAILABLE") },
});

const oneCategory = createRoute({
  method: "get",
  path: "/{category}",
  tags,
  summary: "The items on sale in one category",
  request: { params: z.object({ category: menuCategorySchema }), headers: conditional },
  responses: { ...published, ...errorResponses("NOT_FOUND", "DEPENDENCY_UNAVAILABLE") },
});

/** An unknown category is a resource that does not exist (404), not invalid input. */
const unknownCategory = (category: string | undefined) =>
  new AppError("NOT_FOUND", `No menu category ${category}; the categories are ${menuCategories.join(", ")}`);

/** True when `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks of GET) or is `*`. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

function publish(c: Context, menu: PublishedMenu) {
  c.header("ETag", menu.etag);
  c.header("Cache-Control", MENU_CACHE_CONTROL);
  if (notModified(c.req.header("if-none-match"), menu.etag)) return c.body(null, 304) as unknown as Response & TypedResponse<Record<string, never>, 304>;
  // The cached JSON text of `MenuItemsResponse`, served as it is rather than parsed and serialized again.
  c.header("Content-Type", "application/json");
  return c.body(menu.body, 200) as unknown as Response & TypedResponse<MenuItemsResponse, 200, "json">;
}

/** GET / (every item on sale) and GET /:category, mounted at /api/menu/items. */
export function itemRoutes(service: MenuService) {
  return contractRoutes()
    .openapi(allItems, async (c) => publish(c, await service.items()))
    .openapi(oneCategory, async (c) => publish(c, await service.items(c.req.valid("param").category)), (result, c): undefined => {
      if (!result.success && result.target === "param") throw unknownCategory(c.req.param("category"));
      validationHook(result, c);
    });
}

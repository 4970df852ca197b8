import { createRoute } from "@hono/zod-openapi";
import { type MenuService, storesResponseSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonContent } from "@cloudcafe/http";

const stores = createRoute({
  method: "get",
  path: "/",
  tags: ["menu"],
  summary: "The stores: city, opening hours, tax rates, and whether each is open now",
  description: "Store metadata is cached in Redis for an hour; whether a store is open is worked out per request.",
  responses: { 200: { description: "The stores", content: jsonContent(storesResponseSchema) }, ...errorResponses("DEPENDENCY_UNAVAILABLE") },
});

/** GET /, mounted at /api/menu/stores. */
export function storeRoutes(service: MenuService) {
  return contractRoutes().openapi(stores, async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(await service.stores(), 200);
  });
}

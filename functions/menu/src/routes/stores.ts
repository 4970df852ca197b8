import { Hono } from "hono";
import type { MenuService } from "@cloudcafe/core";

/** GET /: the stores, their hours and whether each is open now; mounted at /api/menu/stores. */
export function storeRoutes(service: MenuService) {
  return new Hono().get("/", async (c) => {
    c.header("Cache-Control", "public, max-age=60");
    return c.json(await service.stores(), 200);
  });
}

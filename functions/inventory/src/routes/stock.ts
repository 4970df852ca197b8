import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { type InventoryService, storeIdSchema, storeStockSchema } from "@cloudcafe/core";
import { contractRoutes, errorResponses, jsonContent } from "@cloudcafe/http";

const storeStock = createRoute({
  method: "get",
  path: "/{storeId}",
  tags: ["inventory"],
  summary: "A store's stock: on hand, reserved and available per SKU, and whether the store is open",
  description: "From the MemoryDB counters the table's stream keeps; from DynamoDB itself when MemoryDB is not answering.",
  request: { params: z.object({ storeId: storeIdSchema }) },
  responses: {
    200: { description: "The store's stock", content: jsonContent(storeStockSchema) },
    ...errorResponses("VALIDATION_FAILED", "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
  },
});

/** GET /:storeId, mounted at /api/inventory/store. */
export function stockRoutes(service: InventoryService) {
  return contractRoutes().openapi(storeStock, async (c) => {
    // Counters move with every order: a browser may reuse an answer for seconds, not minutes.
    c.header("Cache-Control", "public, max-age=5");
    return c.json(await service.storeStock(c.req.valid("param").storeId), 200);
  });
}

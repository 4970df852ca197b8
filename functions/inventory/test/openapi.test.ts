import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { InventoryService } from "@cloudcafe/core";
import { documentedOperations, guardedOperations, type OpenApiDocument, servedOperations } from "@cloudcafe/http";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createInventoryApp, SERVICE_NAME } from "../src/app.ts";
import { createInventoryStress } from "../src/routes/stress.ts";

const TOKEN = "openapi-test-operator-token";
const stress = createInventoryStress(TOKEN);
// The document is made from the routes alone: no handler runs here, so the service needs no engines.
const app = createInventoryApp({
  service: {} as InventoryService,
  logger: createLogger({ service: SERVICE_NAME, write: () => {} }),
  metrics: createMetrics({ namespace: "CloudCafe/Test", service: SERVICE_NAME }),
  checks: {},
  config: { operatorToken: TOKEN },
  stressRoutes: stress.routes,
});
const DOCUMENT = "/api/inventory/openapi.json";

afterAll(() => stress.close());

async function document(): Promise<OpenApiDocument> {
  const response = await app.request(DOCUMENT);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe(`GET ${DOCUMENT}`, () => {
  it("is a valid OpenAPI 3 document listing every route the app serves, the internal reservations included", async () => {
    const served = await document();
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
    // The unprefixed copies (`/inventory/…`) are left out of the document.
    expect(documentedOperations(served)).toEqual(servedOperations(app, DOCUMENT, (path) => (path.startsWith("/inventory") ? undefined : path)));
    expect(documentedOperations(served)).toEqual(expect.arrayContaining(["POST /internal/reservations", "GET /api/inventory/store/:storeId"]));
  });

  it("guards the update and the stress controls with the operator token, and nothing else", async () => {
    const served = await document();
    const guarded = documentedOperations(served)
      .filter((operation) => operation === "POST /api/inventory/update" || operation.includes(" /api/inventory/stress/"))
      .map((operation) => operation.replace(/:(\w+)/g, "{$1}"))
      .sort();
    expect(guarded).toContain("POST /api/inventory/update");
    expect(guardedOperations(served, "operatorToken")).toEqual(guarded);
    expect(Object.keys(served.paths["/api/inventory/update"]!.post!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "409", "429"]));
  });

  it("answers the restock storm's start with 401 without the operator token", async () => {
    const response = await app.request("/api/inventory/stress/restock", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(401);
  });
});

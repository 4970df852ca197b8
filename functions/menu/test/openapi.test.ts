import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { MenuService } from "@cloudcafe/core";
import { documentedOperations, guardedOperations, type OpenApiDocument, servedOperations } from "@cloudcafe/http";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createMenuApp, SERVICE_NAME } from "../src/app.ts";
import { createMenuStress } from "../src/routes/stress.ts";

const stress = createMenuStress("openapi-test-operator-token");
// The document is made from the routes alone: no handler runs here, so the service needs no engines.
const app = createMenuApp({
  service: {} as MenuService,
  logger: createLogger({ service: SERVICE_NAME, write: () => {} }),
  metrics: createMetrics({ namespace: "CloudCafe/Test", service: SERVICE_NAME }),
  checks: {},
  config: { operatorToken: "openapi-test-operator-token", syncBodyLimitBytes: 1024 },
  stressRoutes: stress.routes,
});
const DOCUMENT = "/api/menu/openapi.json";

afterAll(() => stress.close());

async function document(): Promise<OpenApiDocument> {
  const response = await app.request(DOCUMENT);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe(`GET ${DOCUMENT}`, () => {
  it("is a valid OpenAPI 3 document listing every route the app serves under /api/menu", async () => {
    const served = await document();
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
    // The unprefixed copies (`/menu/…`) are left out of the document.
    expect(documentedOperations(served)).toEqual(servedOperations(app, DOCUMENT, (path) => (path.startsWith("/menu") ? undefined : path)));
  });

  it("guards sync and the stress controls with the operator token, and nothing else", async () => {
    const served = await document();
    const guarded = documentedOperations(served)
      .filter((operation) => operation === "POST /api/menu/sync" || operation.includes(" /api/menu/stress/"))
      .map((operation) => operation.replace(/:(\w+)/g, "{$1}"))
      .sort();
    expect(guardedOperations(served, "operatorToken")).toEqual(guarded);
    const { paths } = served;
    expect(Object.keys(paths["/api/menu/items/{category}"]!.get!.responses).sort()).toEqual(["200", "304", "404", "503"]);
    expect(Object.keys(paths["/api/menu/sync"]!.post!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413"]));
  });
});

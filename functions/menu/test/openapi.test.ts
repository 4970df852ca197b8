import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { MenuService } from "@cloudcafe/core";
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

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses: Record<string, unknown> }>>;
}

async function document(): Promise<OpenApiDocument> {
  const response = await app.request(DOCUMENT);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe(`GET ${DOCUMENT}`, () => {
  it("is a valid OpenAPI 3 document listing every route the app serves under /api/menu", async () => {
    const served = await document();
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
    const documented = Object.entries(served.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    const routes = new Set(
      app.routes.filter((route) => route.method !== "ALL" && !route.path.startsWith("/menu")).map((route) => `${route.method} ${route.path}`),
    );
    routes.delete(`GET ${DOCUMENT}`);
    expect(documented.sort()).toEqual([...routes].sort());
  });

  it("guards sync and the stress controls with the operator token, and nothing else", async () => {
    const { paths } = await document();
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const guarded = path === "/api/menu/sync" || path.startsWith("/api/menu/stress/");
        expect(operation.security ?? [], `${method} ${path}`).toEqual(guarded ? [{ operatorToken: [] }] : []);
      }
    }
    expect(Object.keys(paths["/api/menu/items/{category}"]!.get!.responses).sort()).toEqual(["200", "304", "404", "503"]);
    expect(Object.keys(paths["/api/menu/sync"]!.post!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413"]));
  });
});

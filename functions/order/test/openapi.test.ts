import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { OrderService } from "@cloudcafe/core";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createOrderApp, SERVICE_NAME } from "../src/app.ts";
import { createOrderStress } from "../src/routes/stress.ts";

const stress = createOrderStress("openapi-test-operator-token");
// The document is made from the routes alone: no handler runs here, so the service needs no engines.
const app = createOrderApp({
  service: {} as OrderService,
  logger: createLogger({ service: SERVICE_NAME, write: () => {} }),
  metrics: createMetrics({ namespace: "CloudCafe/Test", service: SERVICE_NAME }),
  checks: {},
  stressRoutes: stress.routes,
});
const DOCUMENT = "/api/orders/openapi.json";

afterAll(() => stress.close());

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
}

async function document(): Promise<OpenApiDocument> {
  const response = await app.request(DOCUMENT);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

/** The unprefixed copies (`/orders/…`, `/stress/…`) are documented once, under the gateway prefix. */
const underGatewayPrefix = (path: string) => (path.startsWith("/orders") ? `/api${path}` : path.startsWith("/stress") ? `/api/orders${path}` : path);

describe(`GET ${DOCUMENT}`, () => {
  it("is a valid OpenAPI 3 document", async () => {
    const served = await document();
    expect(served.openapi).toMatch(/^3\.\d+\.\d+$/);
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
  });

  it("lists every route the app serves, so a route without a contract fails here", async () => {
    const { paths } = await document();
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    // Middleware is registered for ALL methods; every handler has a method of its own.
    const served = new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${underGatewayPrefix(route.path)}`));
    served.delete(`GET ${DOCUMENT}`);
    expect(documented.sort()).toEqual([...served].sort());
  });

  it("declares the operator token as a bearer scheme on every stress route, and on nothing else", async () => {
    const { paths, components } = await document();
    expect(components.securitySchemes.operatorToken).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const guarded = path.startsWith("/api/orders/stress/");
        expect(operation.security ?? [], `${method} ${path}`).toEqual(guarded ? [{ operatorToken: [] }] : []);
        if (guarded) expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403"]));
      }
    }
  });
});

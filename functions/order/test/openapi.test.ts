import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { OrderService } from "@cloudcafe/core";
import { documentedOperations, guardedOperations, type OpenApiDocument, servedOperations } from "@cloudcafe/http";
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
    expect(documentedOperations(await document())).toEqual(servedOperations(app, DOCUMENT, underGatewayPrefix));
  });

  it("declares the operator token as a bearer scheme on every stress route and the barista's stage change and cancel, and on nothing else", async () => {
    const served = await document();
    expect(served.components?.securitySchemes?.operatorToken).toMatchObject({ type: "http", scheme: "bearer" });
    const staffRoutes = documentedOperations(served).filter((operation) => operation.includes(" /api/orders/stress/") || operation.endsWith("/stage") || operation.endsWith("/cancel"));
    expect(staffRoutes).toEqual(expect.arrayContaining(["POST /api/orders/:id/stage", "POST /api/orders/:id/cancel"]));
    expect(guardedOperations(served, "operatorToken")).toEqual(staffRoutes.map((operation) => operation.replace(/:(\w+)/g, "{$1}")).sort());
    for (const operation of guardedOperations(served, "operatorToken")) {
      const [method, path] = operation.split(" ") as [string, string];
      expect(Object.keys(served.paths[path]![method.toLowerCase()]!.responses), operation).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });
});

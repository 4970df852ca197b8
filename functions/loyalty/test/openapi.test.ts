import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { LoyaltyService, TierRunStore } from "@cloudcafe/core";
import { documentedOperations, guardedOperations, type OpenApiDocument, servedOperations } from "@cloudcafe/http";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createLoyaltyApp, SERVICE_NAME } from "../src/app.ts";
import type { TierRecalculation } from "../src/jobs/tier-recalculation.ts";
import { createLoyaltyStress } from "../src/routes/stress.ts";

const stress = createLoyaltyStress("openapi-test-operator-token");
// The document is made from the routes alone: no handler runs here, so the service needs no engines.
const app = createLoyaltyApp({
  service: {} as LoyaltyService,
  recalculation: {} as TierRecalculation,
  runs: {} as TierRunStore,
  logger: createLogger({ service: SERVICE_NAME, write: () => {} }),
  metrics: createMetrics({ namespace: "CloudCafe/Test", service: SERVICE_NAME }),
  checks: {},
  config: { operatorToken: "openapi-test-operator-token", sessionTtlSeconds: 1800 },
  stressRoutes: stress.routes,
});
const DOCUMENT = "/api/loyalty/openapi.json";

afterAll(() => stress.close());

async function document(): Promise<OpenApiDocument> {
  const response = await app.request(DOCUMENT);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

describe(`GET ${DOCUMENT}`, () => {
  it("is a valid OpenAPI 3 document listing every route the app serves under /api/loyalty", async () => {
    const served = await document();
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
    // The unprefixed copies (`/loyalty/…`) are left out of the document.
    expect(documentedOperations(served)).toEqual(servedOperations(app, DOCUMENT, (path) => (path.startsWith("/loyalty") ? undefined : path)));
  });

  it("guards accrual, the tier runs and the stress controls with the operator token, and nothing else", async () => {
    const served = await document();
    const guarded = documentedOperations(served)
      .filter((operation) => /\/api\/loyalty\/(accrue|tier-runs|stress)/.test(operation))
      .map((operation) => operation.replace(/:(\w+)/g, "{$1}"))
      .sort();
    expect(guarded).toContain("POST /api/loyalty/stress/{scenario}");
    expect(guardedOperations(served, "operatorToken")).toEqual(guarded);
    expect(Object.keys(served.paths["/api/loyalty/accrue"]!.post!.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "409"]));
  });
});

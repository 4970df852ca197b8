import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp, type GatewayRule } from "../src/gateway.ts";
import { closedPortUrl } from "./support/ports.ts";

/** A service's OpenAPI document as the services generate them: one open route and one behind the operator token. */
function serviceDocument(prefix: string) {
  const errors = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  return {
    openapi: "3.1.0",
    info: { title: "CloudCafe Menu service", version: "1", description: "The menu & its <prices>." },
    paths: {
      [`${prefix}/items/{sku}`]: {
        get: {
          summary: "Read an item",
          parameters: [{ name: "sku", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "The item", content: { "application/json": { schema: { $ref: "#/components/schemas/MenuItem" } } } }, 404: { description: "NOT_FOUND", ...errors } },
        },
      },
      [`${prefix}/items`]: {
        post: {
          summary: "Add an item",
          security: [{ operatorToken: [] }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/MenuItem" } } } },
          responses: { 201: { description: "Added" }, 401: { description: "UNAUTHORIZED", ...errors } },
        },
      },
    },
    components: {
      schemas: { MenuItem: { type: "object", properties: { sku: { type: "string" } } }, Error: { type: "object" } },
      securitySchemes: { operatorToken: { type: "http", scheme: "bearer", description: "The operator token." } },
    },
  };
}

describe("gateway API reference (/api)", () => {
  let menu: ServerType;
  let rules: GatewayRule[];

  beforeAll(async () => {
    const app = new Hono().get("/api/menu/openapi.json", (c) => c.json(serviceDocument("/api/menu")));
    menu = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
    });
    const menuUrl = `http://127.0.0.1:${(menu.address() as AddressInfo).port}`;
    rules = [
      { service: "menu", pathPatterns: ["/api/menu", "/api/menu/*"], targets: [menuUrl] },
      { service: "menu", pathPatterns: ["/ready"], targets: [menuUrl] },
      { service: "loyalty", pathPatterns: ["/api/loyalty", "/api/loyalty/*"], targets: [await closedPortUrl()] },
    ];
  });

  afterAll(() => new Promise<void>((resolve) => menu.close(() => resolve())));

  it("lists every service's operations from its OpenAPI document, with a link to the document", async () => {
    const response = await createGatewayApp(rules).request("/api");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<a href="/api/menu/openapi.json">');
    expect(page).toContain("CloudCafe Menu service</b>, version 1, OpenAPI 3.1.0");
    expect(page).toMatch(/GET<\/span><\/td>\s*<td><code>\/api\/menu\/items\/\{sku\}<\/code>/);
    expect(page).toContain("Read an item");
    expect(page).toContain("sku <small>(path)</small>");
    expect(page).toMatch(/POST<\/span><\/td>\s*<td><code>\/api\/menu\/items<\/code><div class="auth">requires operatorToken<\/div>/);
    expect(page).toContain("body: <code>MenuItem</code>");
    expect(page).toContain("<b>404</b> NOT_FOUND <code>Error</code>");
    expect(page).toContain("<b>operatorToken</b>: http bearer. The operator token.");
    expect(page).toContain("<summary><code>MenuItem</code></summary>");
    // Text from the documents is escaped, and each service is listed once (the menu has a second rule).
    expect(page).toContain("The menu &amp; its &lt;prices&gt;.");
    expect(page.match(/<section>/g)).toHaveLength(2);
  });

  it("names a service whose document cannot be read, and still lists the others", async () => {
    const page = await (await createGatewayApp(rules).request("/api")).text();
    expect(page).toMatch(/<h2>loyalty <small><code>\/api\/loyalty<\/code><\/small><\/h2>[\s\S]*class="alert">not reachable at http:\/\/127\.0\.0\.1:\d+/);
    expect(page).toContain("Read an item");
  });

  it("loads nothing from elsewhere (the machine may be offline)", async () => {
    const page = await (await createGatewayApp(rules).request("/api")).text();
    expect(page).not.toMatch(/<script|<link|\bsrc=|href="https?:/);
  });
});

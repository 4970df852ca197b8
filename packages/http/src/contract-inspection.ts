import type { Hono } from "hono";

/**
 * What a service's OpenAPI document says next to what its app serves, for the contract test every service has: a
 * route served without a contract, or a guard missing from one, shows up as a difference between the two lists.
 */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses: Record<string, unknown> }>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

/** `METHOD /path/:param` for every operation of the document. */
export function documentedOperations(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`))
    .sort();
}

/**
 * `METHOD /path/:param` for every handler the app serves but the document itself (middleware is registered for ALL
 * methods; every handler has a method of its own). `canonical` maps an undocumented second mount to its documented path,
 * or drops it (undefined).
 */
export function servedOperations(app: Hono<any, any, any>, documentPath: string, canonical: (path: string) => string | undefined = (path) => path): string[] {
  const served = new Set(
    app.routes.flatMap((route) => {
      const path = route.method === "ALL" ? undefined : canonical(route.path);
      return path === undefined ? [] : [`${route.method} ${path}`];
    }),
  );
  served.delete(`GET ${documentPath}`);
  return [...served].sort();
}

/** `METHOD /path/{param}` of the operations that require the named security scheme. */
export function guardedOperations(document: OpenApiDocument, scheme: string): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => (operation.security ?? []).some((requirement) => scheme in requirement))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

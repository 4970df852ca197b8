import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { type Env, Hono } from "hono";
import type { ValidationTargets } from "hono/types";
import type { z } from "zod";
import { type ErrorCode, invalidInput } from "@cloudcafe/core";
import { errorBodySchema, statusForCode, unsupportedMediaType } from "./errors.ts";

/**
 * Routes carry their contract: each declares its input and answers as schemas (`createRoute` from
 * `@hono/zod-openapi`), which validate requests, type the handler and the typed client (`hc`), and make the
 * service's OpenAPI document. The helpers here keep every contract route on the platform's error contract.
 */

const JSON_MEDIA_TYPE = /^application\/(.+\+)?json\b/i;

const inputNames: Record<keyof ValidationTargets, string> = {
  json: "request body",
  form: "form body",
  query: "query string",
  param: "path parameters",
  header: "request headers",
  cookie: "cookies",
};

/**
 * The default validation hook: a JSON body sent without a JSON content type is 415 (Hono would validate an empty
 * object instead), and input failing its schema is VALIDATION_FAILED naming each bad field.
 */
export const validationHook: Hook<unknown, Env, string, void> = (result, c) => {
  if (result.target === "json" && !JSON_MEDIA_TYPE.test(c.req.header("content-type") ?? "")) throw unsupportedMediaType();
  if (!result.success) throw invalidInput(inputNames[result.target], result.error.issues);
};

/** A group of contract routes; its validation follows the error contract wherever the group is mounted. */
export function contractRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/** The same routes at a second mount point, left out of the OpenAPI document (which lists each route once). */
export function undocumented(routes: Hono<any, any, any>): Hono {
  return new Hono().route("/", routes);
}

export const jsonContent = <S extends z.ZodType>(schema: S) => ({ "application/json": { schema } });

/** A JSON request body; it is required, so a missing or non-JSON body is 415 rather than an empty object. */
export const jsonBody = <S extends z.ZodType>(schema: S) => ({ required: true as const, content: jsonContent(schema) });

type ErrorResponse = { description: string; content: ReturnType<typeof jsonContent<typeof errorBodySchema>> };

/** The error answers of a route, from the codes it may fail with: one entry per status, listing its codes. */
export function errorResponses<const Codes extends readonly ErrorCode[]>(...codes: Codes) {
  const responses: Record<number, ErrorResponse> = {};
  for (const code of codes) {
    const status = statusForCode[code];
    const description = responses[status] ? `${responses[status].description}, ${code}` : code;
    responses[status] = { description, content: jsonContent(errorBodySchema) };
  }
  return responses as { [Status in (typeof statusForCode)[Codes[number]]]: ErrorResponse };
}

/** Where a service serves its OpenAPI document: beside its routes, under its gateway path prefix. */
export const openApiDocumentPath = (pathPrefix: string) => `${pathPrefix}/openapi.json`;

export type ApiInfo = { title: string; version: string; description?: string };

/** Serves the OpenAPI 3.1 document of every contract route mounted on `app`, generated on each request. */
export function serveOpenApi(app: OpenAPIHono<any, any, any>, pathPrefix: string, info: ApiInfo): void {
  app.doc31(openApiDocumentPath(pathPrefix), { openapi: "3.1.0", info });
}

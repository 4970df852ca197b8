import { createRoute, z } from "@hono/zod-openapi";
import { faultIds } from "@cloudcafe/catalog";
import { contractRoutes, createServiceApp, errorResponses, guardWithOperatorToken, jsonBody, jsonContent, operatorSecurity, serveOpenApi } from "@cloudcafe/http";
import type { Logger } from "@cloudcafe/observability";
import type { ChaosControlPlane } from "./control-plane.ts";

/** Where the control plane's API is mounted (the gateway routes this prefix to it). */
export const CHAOS_PATH_PREFIX = "/api/chaos";
/**
 * The active application faults as one JSON document keyed by fault id, the shape of the deployed fault parameter.
 * For the platform's own processes (CLOUDCAFE_FAULTS_URL) on the control plane's local port; the gateway does not
 * route it.
 */
export const ACTIVE_FAULTS_DOCUMENT_PATH = "/internal/faults";

const parameterValue = z.union([z.string(), z.number(), z.boolean()]);
const injectBody = z
  .object({
    ttlSeconds: z.number().int().min(1).optional().describe("How long the fault lasts; at most the fault's maxDurationSeconds; its defaultDurationSeconds when omitted."),
    parameters: z.record(z.string(), parameterValue).optional().describe("The fault's own settings (e.g. `percentage` for dynamodb-throttling)."),
  })
  .strict();

const activeFaultSchema = z
  .object({
    id: z.enum(faultIds),
    target: z.string(),
    injectionId: z.string(),
    startedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    ttlSeconds: z.number().int(),
    parameters: z.record(z.string(), z.unknown()),
    effect: z.record(z.string(), parameterValue).describe("What the injection measurably broke."),
  })
  .meta({ id: "ActiveFault" });

const faultViewSchema = z
  .looseObject({
    id: z.enum(faultIds),
    title: z.string(),
    breaks: z.string(),
    target: z.string(),
    local: z.string(),
    maxDurationSeconds: z.number().int(),
    defaultDurationSeconds: z.number().int(),
    available: z.boolean().describe("False when this platform has no local mechanism for it plugged in."),
    active: activeFaultSchema.optional(),
  })
  .meta({ id: "Fault", description: "A fault registry entry (packages/catalog faults.ts) with its state here." });

const faultParams = z.object({ id: z.string().min(1).max(64) });
const guardFailures = ["UNAUTHORIZED", "FORBIDDEN"] as const;
const tags = ["chaos"];

/**
 * `/api/chaos/faults`: list (registry entries with their state), inject with a TTL, revert. Every route needs the
 * operator token (401 without, 403 when wrong), as the stress controls do; every injection and revert is an audit log
 * line with the caller's address.
 */
export function chaosRoutes(controlPlane: ChaosControlPlane, operatorToken: string | undefined) {
  const list = createRoute({
    method: "get",
    path: "/faults",
    tags,
    summary: "Every fault of the registry, whether it can run here, and the injection in force",
    security: operatorSecurity,
    responses: { 200: { description: "The faults", content: jsonContent(z.object({ faults: z.array(faultViewSchema) })) }, ...errorResponses(...guardFailures) },
  });
  const inject = createRoute({
    method: "post",
    path: "/faults/{id}",
    tags,
    summary: "Inject a fault for ttlSeconds; it reverts itself then",
    security: operatorSecurity,
    request: { params: faultParams, body: jsonBody(injectBody) },
    responses: {
      201: { description: "In force", content: jsonContent(z.object({ fault: activeFaultSchema })) },
      ...errorResponses("VALIDATION_FAILED", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", ...guardFailures, "NOT_FOUND", "CONFLICT", "DEPENDENCY_UNAVAILABLE"),
    },
  });
  const revert = createRoute({
    method: "delete",
    path: "/faults/{id}",
    tags,
    summary: "Revert a fault in force",
    security: operatorSecurity,
    request: { params: faultParams },
    responses: {
      200: { description: "Reverted", content: jsonContent(z.object({ fault: activeFaultSchema })) },
      ...errorResponses(...guardFailures, "NOT_FOUND", "DEPENDENCY_UNAVAILABLE"),
    },
  });
  const actor = (forwardedFor: string | undefined) => `operator@${forwardedFor ?? "local"}`;
  const app = contractRoutes().basePath(CHAOS_PATH_PREFIX);
  guardWithOperatorToken(app, operatorToken);
  return app
    .openapi(list, (c) => c.json({ faults: controlPlane.list() }, 200))
    .openapi(inject, async (c) => {
      const { ttlSeconds, parameters } = c.req.valid("json");
      const fault = await controlPlane.inject(c.req.valid("param").id, { ttlSeconds, parameters, actor: actor(c.req.header("x-forwarded-for")) });
      return c.json({ fault }, 201);
    })
    .openapi(revert, async (c) => {
      const fault = await controlPlane.revert(c.req.valid("param").id, "operator", actor(c.req.header("x-forwarded-for")));
      return c.json({ fault }, 200);
    });
}

/** The control plane's HTTP app: the API under /api/chaos, its OpenAPI document, and the active-faults document. */
export function createChaosApp(options: { readonly controlPlane: ChaosControlPlane; readonly operatorToken: string | undefined; readonly logger: Logger }) {
  const app = createServiceApp({ logger: options.logger, requestLog: { routinePaths: [ACTIVE_FAULTS_DOCUMENT_PATH] } });
  app.get(ACTIVE_FAULTS_DOCUMENT_PATH, (c) => c.json(options.controlPlane.applicationFaultsDocument()));
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.route("/", chaosRoutes(options.controlPlane, options.operatorToken));
  serveOpenApi(app, CHAOS_PATH_PREFIX, { title: "CloudCafe chaos control plane", version: "1.0.0", description: "Local fault injection: the fault registry's 13 scenarios." });
  return app;
}

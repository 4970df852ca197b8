import type { Handler } from "hono";
import { services, type ServiceKey } from "@cloudcafe/catalog";
import { openApiDocumentPath } from "@cloudcafe/http/contract";
import type { GatewayRule } from "./gateway.ts";

/** Where the gateway serves the reference: beside the services' own prefixes (`/api/<service>`). */
export const API_REFERENCE_PATH = "/api";

const FETCH_TIMEOUT_MS = 3_000;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** The parts of an OpenAPI 3 document the page shows. */
interface ReferenceSchema {
  $ref?: string;
  type?: string;
  items?: ReferenceSchema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: ReferenceSchema }[];
  requestBody?: { content?: Record<string, { schema?: ReferenceSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: ReferenceSchema }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }> };
}

/** A service the gateway routes to, where its document is (the catalog's path prefix) and where it listens. */
interface ServiceTarget {
  service: ServiceKey;
  pathPrefix: string;
  target: string;
}

type ServiceReference = ServiceTarget & { documentPath: string } & ({ document: OpenApiDocument } | { problem: string });

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character]!);

function isDocument(value: unknown): value is OpenApiDocument {
  const candidate = value as Partial<OpenApiDocument> | null;
  return typeof candidate?.openapi === "string" && typeof candidate.info === "object" && typeof candidate.paths === "object";
}

const isService = (name: string): name is ServiceKey => Object.hasOwn(services, name);

/** The catalog's services among the gateway's rules, once each (the order service also has a `/ready` rule). */
function serviceTargets(rules: readonly GatewayRule[]): ServiceTarget[] {
  const targets = new Map<ServiceKey, ServiceTarget>();
  for (const { service, targets: [target] } of rules) {
    if (isService(service) && target && !targets.has(service)) targets.set(service, { service, pathPrefix: services[service].pathPrefix, target });
  }
  return [...targets.values()];
}

/** A service's document, read from the service itself (where the gateway forwards its `…/openapi.json`). */
async function reference(service: ServiceTarget): Promise<ServiceReference> {
  const documentPath = openApiDocumentPath(service.pathPrefix);
  try {
    const response = await fetch(`${service.target}${documentPath}`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok && isDocument(body)) return { ...service, documentPath, document: body };
    return { ...service, documentPath, problem: `answered ${response.status} without an OpenAPI document` };
  } catch (error) {
    return { ...service, documentPath, problem: `not reachable at ${service.target}: ${(error as Error).message}` };
  }
}

const schemaName = (schema: ReferenceSchema | undefined): string => {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").at(-1)!;
  if (schema.type === "array") return `${schemaName(schema.items)}[]`;
  return schema.type ?? "";
};

const jsonSchemaOf = (content: Record<string, { schema?: ReferenceSchema }> | undefined) => schemaName(content?.["application/json"]?.schema);

function operationRow(method: string, path: string, operation: Operation): string {
  const parameters = (operation.parameters ?? []).map((p) => `${p.name} <small>(${p.in}${p.required ? "" : ", optional"})</small>`);
  const body = jsonSchemaOf(operation.requestBody?.content);
  const request = [...parameters, ...(body ? [`body: <code>${escape(body)}</code>`] : [])];
  const responses = Object.entries(operation.responses ?? {}).map(([status, answer]) => {
    const shape = jsonSchemaOf(answer.content);
    return `<li><b>${escape(status)}</b> ${escape(answer.description ?? "")}${shape ? ` <code>${escape(shape)}</code>` : ""}</li>`;
  });
  const auth = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  return `<tr>
    <td><span class="method ${method}">${method.toUpperCase()}</span></td>
    <td><code>${escape(path)}</code>${auth.length ? `<div class="auth">requires ${auth.map(escape).join(", ")}</div>` : ""}</td>
    <td>${escape(operation.summary ?? "")}${operation.description ? `<p class="muted">${escape(operation.description)}</p>` : ""}</td>
    <td>${request.join("<br>")}</td>
    <td><ul>${responses.join("")}</ul></td>
  </tr>`;
}

function serviceSection(service: ServiceReference): string {
  const heading = `<h2>${escape(service.service)} <small><code>${escape(service.pathPrefix)}</code></small></h2>
    <p><a href="${escape(service.documentPath)}">${escape(service.documentPath)}</a></p>`;
  if ("problem" in service) return `<section>${heading}<p class="alert">${escape(service.problem)}</p></section>`;
  const { document } = service;
  const rows = Object.entries(document.paths).flatMap(([path, operations]) =>
    METHODS.flatMap((method) => (operations[method] ? [operationRow(method, path, operations[method])] : [])),
  );
  const schemes = Object.entries(document.components?.securitySchemes ?? {}).map(
    ([name, scheme]) => `<li><b>${escape(name)}</b>: ${escape([scheme.type, scheme.scheme].filter(Boolean).join(" "))}. ${escape(scheme.description ?? "")}</li>`,
  );
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) => `<details><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`,
  );
  return `<section>${heading}
    <p><b>${escape(document.info.title)}</b>, version ${escape(document.info.version)}, OpenAPI ${escape(document.openapi)}</p>
    ${document.info.description ? `<p>${escape(document.info.description)}</p>` : ""}
    <table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Request</th><th>Responses</th></tr></thead><tbody>${rows.join("")}</tbody></table>
    ${schemes.length ? `<h3>Security schemes</h3><ul>${schemes.join("")}</ul>` : ""}
    ${schemas.length ? `<h3>Schemas</h3>${schemas.join("")}` : ""}
  </section>`;
}

const styles = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
  table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d0d7de; padding: .4rem; text-align: left; vertical-align: top; }
  ul { margin: 0; padding-left: 1rem; } pre { background: #f6f8fa; padding: .5rem; overflow: auto; }
  .method { font-weight: 700; font-family: monospace; } .get { color: #1a7f37; } .post { color: #0969da; } .delete { color: #cf222e; }
  .auth { color: #9a6700; font-size: .85em; } .muted { color: #59636e; margin: .2rem 0 0; } .alert { color: #cf222e; }`;

/**
 * `GET /api`: the API reference of every service the gateway routes to, from each one's OpenAPI document
 * (`/api/<service>/openapi.json`), read when the page is asked for. A plain page with nothing loaded from elsewhere.
 */
export function apiReferencePage(rules: readonly GatewayRule[]): Handler {
  const targets = serviceTargets(rules);
  return async (c) => {
    const sections = await Promise.all(targets.map(async (service) => serviceSection(await reference(service))));
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CloudCafe API reference</title><style>${styles}</style></head>
<body><h1>CloudCafe API reference</h1>
<p class="muted">Every service's routes as its OpenAPI document declares them; errors are always <code>{"error":{"code","message","details?"}}</code>.</p>
${sections.join("\n")}
</body></html>`);
  };
}

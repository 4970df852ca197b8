import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { serve, type HttpBindings, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { albServices, servicePathPatterns, services, type ServiceKey } from "@cloudcafe/catalog";
import { API_REFERENCE_PATH, apiReferencePage } from "./api-reference.ts";

/** One ALB listener rule: requests whose path matches one of `pathPatterns` go to `target` with the path unchanged. */
export interface GatewayRule {
  readonly service: string;
  readonly pathPatterns: readonly string[];
  readonly target: string;
}

/**
 * The catalog's routes, ALB rules in priority order then the services behind the NLB, for the services given a local
 * address; each with its prefix, the paths under it and the paths it also serves (the order service's `/ready`).
 */
export function albRules(targets: Partial<Record<ServiceKey, string>>): GatewayRule[] {
  const nlbServices = (Object.keys(services) as ServiceKey[]).filter((service) => !(albServices as readonly ServiceKey[]).includes(service));
  return [...albServices, ...nlbServices].flatMap((service) => {
    const target = targets[service];
    return target ? [{ service, pathPatterns: servicePathPatterns(service), target }] : [];
  });
}

/** An ALB path pattern as a regular expression: `*` is any run of characters, `?` exactly one, the rest literal. */
export function pathPatternRegExp(pattern: string): RegExp {
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map((part) => part.split("?").map(literal).join(".")).join(".*")}$`);
}

const errorJson = (c: Context, status: 404 | 413 | 502, code: string, message: string) => c.json({ error: { code, message } }, status);

/**
 * The largest request body the deployed path lets through: API Gateway's REST API payload limit of 10 MB ("Amazon API
 * Gateway quotas"), which every request meets before the ALB and a service. A service may set a lower one of its own.
 */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** Connection-level headers, which belong to each hop and are not passed on. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

function responseHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) result.append(name, item);
  }
  return result;
}

type Forwarded = { readonly response: Response } | { readonly tooLarge: true };

/**
 * The request body, read whole as API Gateway reads it before passing it on, or `tooLarge` as soon as it passes
 * MAX_REQUEST_BODY_BYTES; the rest of a body too large is read and dropped, so the client's upload ends normally
 * and it sees the 413.
 */
function readBody(incoming: IncomingMessage): Promise<Buffer | "tooLarge"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_REQUEST_BODY_BYTES) return void chunks.push(chunk);
      incoming.off("data", onData);
      incoming.resume();
      resolve("tooLarge");
    };
    incoming.on("data", onData);
    incoming.once("end", () => resolve(Buffer.concat(chunks)));
    incoming.once("error", reject);
  });
}

/** Why one attempt at the target failed before any answer, and whether the request can be sent again. */
class UpstreamFailure extends Error {
  constructor(
    readonly failure: Error,
    readonly retryable: boolean,
  ) {
    super(failure.message);
  }
}

/**
 * One attempt: sends the request to `target` and resolves with the service's answer as soon as it comes, even when the
 * service answers before reading the whole body (a 413 of its own) and then closes the connection, as an ALB relays it.
 * A failure before any answer is retryable when the request cannot have reached the service: the connection was
 * refused, or a kept-alive connection turned out to be closed by the service (Node's documented keep-alive race,
 * `request.reusedSocket`).
 */
function sendOnce(target: string, method: string, headers: Record<string, string>, body: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    let answered = false;
    let uploaded = false;
    const upstream = httpRequest(target, { method, headers }, (response) => {
      answered = true;
      // An answer before the whole body was sent leaves the connection mid-request: close it once the answer is
      // read, so the keep-alive pool never hands it to the next request.
      if (!uploaded) response.once("end", () => upstream.destroy());
      const empty = method === "HEAD" || response.statusCode === 204 || response.statusCode === 304;
      const stream = empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
      resolve(new Response(stream, { status: response.statusCode ?? 502, headers: responseHeaders(response.headers) }));
    });
    upstream.once("finish", () => (uploaded = true));
    // Once the service has answered, a failed upload is only it closing early: the answer stands.
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (answered) return;
      const refused = error.code === "ECONNREFUSED";
      const staleKeepAlive = upstream.reusedSocket && error.code === "ECONNRESET";
      reject(new UpstreamFailure(error, refused || staleKeepAlive));
    });
    upstream.end(body.length > 0 || !["GET", "HEAD"].includes(method) ? body : undefined);
  });
}

/** Attempts per request: the first and, after a failure that cannot have reached the service, one more. */
const ATTEMPTS = 2;

/** The request to `target`, its body read whole first and sent again once after a failure that never reached it. */
async function forward(target: string, incoming: IncomingMessage, headers: Record<string, string>): Promise<Forwarded> {
  const body = await readBody(incoming);
  if (body === "tooLarge") return { tooLarge: true };
  const method = incoming.method ?? "GET";
  const sent = body.length > 0 || !["GET", "HEAD"].includes(method) ? { ...headers, "content-length": String(body.length) } : headers;
  for (let attempt = 1; ; attempt++) {
    try {
      return { response: await sendOnce(target, method, sent, body) };
    } catch (error) {
      if (!(error instanceof UpstreamFailure) || !error.retryable || attempt >= ATTEMPTS) throw error instanceof UpstreamFailure ? error.failure : error;
    }
  }
}

/** A path of the console's own (a view), not a file or an API path: it is served the console's index.html. */
export function isConsoleRoute(path: string): boolean {
  return !path.startsWith("/api/") && !/\.[A-Za-z0-9]+$/.test(path);
}

/**
 * A stand-in for API Gateway and the ALB: path-pattern routing to the services, headers (traceparent, Idempotency-Key,
 * Authorization) and bodies passed through, X-Forwarded-* added, API Gateway's body limit, a service's early answer
 * relayed, a request its service's stale keep-alive connection dropped sent again, JSON 404, 413 and 502 in the platform's error shape.
 */
export function createGatewayApp(rules: readonly GatewayRule[], options: { readonly webRoot?: string } = {}): Hono<{ Bindings: HttpBindings }> {
  const matchers = rules.map((rule) => ({ rule, patterns: rule.pathPatterns.map(pathPatternRegExp) }));
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.all("*", async (c, next) => {
    const rule = matchers.find(({ patterns }) => patterns.some((pattern) => pattern.test(c.req.path)))?.rule;
    if (!rule) return next();
    if (Number(c.req.header("content-length") ?? 0) > MAX_REQUEST_BODY_BYTES) {
      return errorJson(c, 413, "PAYLOAD_TOO_LARGE", `Request body exceeds the ${MAX_REQUEST_BODY_BYTES} bytes API Gateway accepts`);
    }
    const incoming = new URL(c.req.url);
    const passed = Object.fromEntries(Object.entries(c.req.header()).filter(([name]) => name !== "host" && !HOP_BY_HOP.has(name)));
    try {
      const forwarded = await forward(`${rule.target}${incoming.pathname}${incoming.search}`, c.env.incoming, {
        ...passed,
        "x-forwarded-for": c.req.header("x-forwarded-for") ?? "127.0.0.1",
        "x-forwarded-proto": incoming.protocol.replace(":", ""),
        ...(c.req.header("host") ? { "x-forwarded-host": c.req.header("host")! } : {}),
      });
      if ("response" in forwarded) return forwarded.response;
      return errorJson(c, 413, "PAYLOAD_TOO_LARGE", `Request body exceeds the ${MAX_REQUEST_BODY_BYTES} bytes API Gateway accepts`);
    } catch (error) {
      return errorJson(c, 502, "BAD_GATEWAY", `${rule.service} service is not reachable at ${rule.target}: ${(error as Error).message}`);
    }
  });
  app.get(API_REFERENCE_PATH, apiReferencePage(rules));
  if (options.webRoot) {
    // The console, as CloudFront serves it: hashed assets cached for good, index.html revalidated on every load.
    const root = options.webRoot;
    app.get("/assets/*", serveStatic({ root, onFound: (_path, c) => c.header("Cache-Control", "public, max-age=31536000, immutable") }));
    app.get("*", serveStatic({ root, onFound: (_path, c) => c.header("Cache-Control", "no-cache") }));
    // The console's views (`/barista`, `/board`, `/ops`) are one page: a path without a file extension gets
    // index.html, as the CloudFront function does when deployed (infra/edge.ts, consoleRoutes).
    const page = serveStatic({ root, path: "index.html", onFound: (_path, c) => c.header("Cache-Control", "no-cache") });
    app.get("*", (c, next) => (isConsoleRoute(c.req.path) ? page(c, next) : next()));
  }
  app.all("*", (c) => errorJson(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`));
  return app;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startGateway(options: {
  readonly port: number;
  readonly rules: readonly GatewayRule[];
  readonly webRoot?: string;
  /** Told of every answer and the time to its headers (the local metrics sink's ALB metrics). */
  readonly observe?: (request: Request, response: Response, durationMs: number) => void;
}): Promise<RunningGateway> {
  const app = createGatewayApp(options.rules, options.webRoot ? { webRoot: options.webRoot } : {});
  const { observe } = options;
  const fetch: typeof app.fetch = observe
    ? async (request, ...rest) => {
        const started = performance.now();
        const response = await app.fetch(request, ...rest);
        observe(request, response, performance.now() - started);
        return response;
      }
    : app.fetch;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch, port: options.port, hostname: "127.0.0.1" }, () => resolve(started));
    started.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

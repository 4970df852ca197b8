import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { serve, type HttpBindings, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { albServices, servicePathPatterns, services, type ServiceKey } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { API_REFERENCE_PATH, apiReferencePage } from "./api-reference.ts";
import { type Blackhole, createTargetGroup, type HealthCheckSettings, type TargetGroup, type TargetStatus } from "./gateway-targets.ts";
import { keepConnectionsAlive } from "@cloudcafe/http";

/**
 * One ALB listener rule: requests whose path matches one of `pathPatterns` go, with the path unchanged, to one of
 * `targets` (its target group: the service's copies), checked on `healthPath` (default `/health`).
 */
export interface GatewayRule {
  readonly service: string;
  readonly pathPatterns: readonly string[];
  readonly targets: readonly string[];
  readonly healthPath?: string;
}

/**
 * The catalog's routes, ALB rules in priority order then the services behind the NLB, for the services given a local
 * address; each with its prefix, the paths under it and the paths it also serves (the order service's `/ready`).
 */
export function albRules(targets: Partial<Record<ServiceKey, string | readonly string[]>>): GatewayRule[] {
  const nlbServices = (Object.keys(services) as ServiceKey[]).filter((service) => !(albServices as readonly ServiceKey[]).includes(service));
  return [...albServices, ...nlbServices].flatMap((service) => {
    const given = targets[service];
    const urls = given === undefined ? [] : typeof given === "string" ? [given] : given;
    return urls.length > 0 ? [{ service, pathPatterns: servicePathPatterns(service), targets: urls, healthPath: services[service].healthPath }] : [];
  });
}

/** An ALB path pattern as a regular expression: `*` is any run of characters, `?` exactly one, the rest literal. */
export function pathPatternRegExp(pattern: string): RegExp {
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map((part) => part.split("?").map(literal).join(".")).join(".*")}$`);
}

const errorJson = (c: Context, status: 403 | 404 | 413 | 502 | 503 | 504, code: string, message: string) => c.json({ error: { code, message } }, status);

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

type Forwarded = { readonly response: Response } | { readonly tooLarge: true } | { readonly noHealthyTarget: true };

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
    readonly refused = false,
  ) {
    super(failure.message);
  }
}

/** A request that failed at `target` before any answer. */
class TargetFailure extends Error {
  constructor(
    readonly target: string,
    readonly failure: Error,
  ) {
    super(failure.message);
  }
}

/** How long a connection to a black-holed (`timeout`) target hangs before it fails: an ALB gives up after 10 s. */
export const LOCAL_CONNECT_TIMEOUT_MS = 2_000;

const errorWithCode = (message: string, code: string) => Object.assign(new Error(message), { code });

/** An attempt at a black-holed target: refused at once, or no answer until the connect timeout. */
async function unreachable(mode: Blackhole): Promise<never> {
  if (mode === "refuse") throw new UpstreamFailure(errorWithCode("connect ECONNREFUSED (ingress revoked)", "ECONNREFUSED"), true, true);
  await sleep(LOCAL_CONNECT_TIMEOUT_MS);
  throw errorWithCode(`connect ETIMEDOUT after ${LOCAL_CONNECT_TIMEOUT_MS} ms (ingress revoked)`, "ETIMEDOUT");
}

/**
 * One attempt: sends the request to `target` and resolves with the service's answer as soon as it comes, even when the
 * service answers before reading the whole body (a 413 of its own) and then closes the connection, as an ALB relays it.
 * A failure before any answer is retryable when the request cannot have reached the service: the connection was
 * refused, or a kept-alive connection turned out to be closed by the service (Node's documented keep-alive race,
 * `request.reusedSocket`); or, for a request safe to repeat (`repeatable`), the connection was reset before an
 * answer (its process was killed mid-request).
 */
function sendOnce(target: string, method: string, headers: Record<string, string>, body: Buffer, repeatable: boolean): Promise<Response> {
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
      const reset = error.code === "ECONNRESET" || error.code === "EPIPE";
      const staleKeepAlive = upstream.reusedSocket && error.code === "ECONNRESET";
      reject(new UpstreamFailure(error, refused || staleKeepAlive || (reset && repeatable), refused));
    });
    upstream.end(body.length > 0 || !["GET", "HEAD"].includes(method) ? body : undefined);
  });
}

/**
 * Safe to send twice: a read, or a write the service deduplicates by its Idempotency-Key (the order service answers
 * a repeat with the same order).
 */
const isRepeatable = (method: string, headers: Record<string, string>) => ["GET", "HEAD", "OPTIONS"].includes(method) || Boolean(headers["idempotency-key"]);

/**
 * The request to a healthy target of `group`, its body read whole first. A failure that never reached the service (or
 * reset a request safe to repeat) is sent again: a refused connection marks its target unhealthy at once (passive
 * health), and the request goes to another healthy target (round robin); with none left, once more to the same target.
 */
async function forward(group: TargetGroup, pathAndQuery: string, incoming: IncomingMessage, headers: Record<string, string>): Promise<Forwarded> {
  const body = await readBody(incoming);
  if (body === "tooLarge") return { tooLarge: true };
  let target = group.pick();
  if (target === undefined) return { noHealthyTarget: true };
  const method = incoming.method ?? "GET";
  const sent = body.length > 0 || !["GET", "HEAD"].includes(method) ? { ...headers, "content-length": String(body.length) } : headers;
  const repeatable = isRepeatable(method, headers);
  const tried = new Set<string>();
  let sameTargetRetries = 0;
  for (;;) {
    try {
      const blackhole = group.blackholeOf(target);
      return { response: await (blackhole ? unreachable(blackhole) : sendOnce(`${target}${pathAndQuery}`, method, sent, body, repeatable)) };
    } catch (error) {
      if (!(error instanceof UpstreamFailure) || !error.retryable) throw new TargetFailure(target, error instanceof UpstreamFailure ? error.failure : (error as Error));
      if (error.refused) group.markRefused(target, `connection refused: ${error.failure.message}`);
      tried.add(target);
      const another = group.pick(tried);
      if (another !== undefined) {
        target = another;
        continue;
      }
      if (sameTargetRetries++ >= 1) throw new TargetFailure(target, error.failure);
    }
  }
}

/** A path of the console's own (a view), not a file or an API path: it is served the console's index.html. */
export function isConsoleRoute(path: string): boolean {
  return !path.startsWith("/api/") && !/\.[A-Za-z0-9]+$/.test(path);
}

/** A rule as the control plane sees it: its paths, whether it is in place, and its target group's health. */
export interface RuleStatus {
  readonly service: string;
  readonly pathPatterns: readonly string[];
  readonly enabled: boolean;
  readonly healthPath: string;
  readonly targets: readonly TargetStatus[];
}

/**
 * The gateway's controls for the fault injectors and the ops views. Faults: `disableRule` is an ALB rule deleted
 * (alb-rule-deletion: its paths get the listener's default action, a 403, until `enableRule`); `blackholeTarget` is a security group's ingress
 * revoked (sg-ingress-revocation: the target's connections and checks time out, or are refused, until `restoreTarget`).
 */
export interface GatewayControl {
  /** Every rule with its targets' health, in priority order (also `GET /api/ops/targets`). */
  rules(): RuleStatus[];
  /** The targets of `service`'s rule and their health; empty for a service without one. */
  targets(service: string): TargetStatus[];
  disableRule(service: string): void;
  enableRule(service: string): void;
  /** Makes the target at `url` unreachable: `timeout` (default: packets dropped) or `refuse`. */
  blackholeTarget(url: string, mode?: Blackhole): void;
  restoreTarget(url: string): void;
  /**
   * The copy behind `url` stopped (its process exited): unhealthy at once, and no longer routed to by failing open,
   * as a terminated instance or a stopped task leaves its target group; its checks bring it back once it answers.
   */
  targetStopped(url: string, reason: string): void;
}

export interface GatewayOptions {
  readonly webRoot?: string;
  /** Routes served under `/api/ops` besides `/api/ops/targets` (`npm start` adds its process table). */
  readonly opsRoutes?: Hono;
  /** The target groups' health checks (default LOCAL_HEALTH_CHECK). */
  readonly healthCheck?: HealthCheckSettings;
  /** Told of each request a rule routes, before it is forwarded (`npm start` wakes its idle pollers). */
  readonly onRouted?: (service: string) => void;
}

/** The gateway app, its controls, and `close()`, which stops its health checks. */
export function createGateway(rules: readonly GatewayRule[], options: GatewayOptions = {}): { app: Hono<{ Bindings: HttpBindings }>; control: GatewayControl; close(): void } {
  const routes = rules.map((rule) => ({
    rule,
    patterns: rule.pathPatterns.map(pathPatternRegExp),
    group: createTargetGroup({ service: rule.service, targets: rule.targets, healthPath: rule.healthPath ?? "/health", ...(options.healthCheck ? { healthCheck: options.healthCheck } : {}) }),
  }));
  const disabled = new Set<string>();
  const groupsWith = (url: string) => routes.filter(({ group }) => group.statuses().some((target) => target.url === url)).map(({ group }) => group);
  const control: GatewayControl = {
    rules: () =>
      routes.map(({ rule, group }) => ({ service: rule.service, pathPatterns: rule.pathPatterns, enabled: !disabled.has(rule.service), healthPath: group.healthPath, targets: group.statuses() })),
    targets: (service) => routes.find(({ rule }) => rule.service === service)?.group.statuses() ?? [],
    disableRule(service) {
      if (!routes.some(({ rule }) => rule.service === service)) throw new Error(`no gateway rule for ${service}`);
      disabled.add(service);
    },
    enableRule: (service) => void disabled.delete(service),
    blackholeTarget(url, mode = "timeout") {
      const groups = groupsWith(url);
      if (groups.length === 0) throw new Error(`${url} is no gateway target`);
      for (const group of groups) group.setBlackhole(url, mode);
    },
    restoreTarget(url) {
      for (const group of groupsWith(url)) group.setBlackhole(url, undefined);
    },
    targetStopped(url, reason) {
      for (const group of groupsWith(url)) group.markRefused(url, reason);
    },
  };

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.all("*", async (c, next) => {
    const route = routes.find(({ patterns }) => patterns.some((pattern) => pattern.test(c.req.path)));
    if (!route) return next();
    if (disabled.has(route.rule.service)) {
      // The rule is deleted: the request falls through to the listener's default action, a fixed 403.
      return errorJson(c, 403, "FORBIDDEN", `No listener rule matches ${c.req.path}: the ${route.rule.service} service's rule is deleted`);
    }
    const { rule, group } = route;
    options.onRouted?.(rule.service);
    if (Number(c.req.header("content-length") ?? 0) > MAX_REQUEST_BODY_BYTES) {
      return errorJson(c, 413, "PAYLOAD_TOO_LARGE", `Request body exceeds the ${MAX_REQUEST_BODY_BYTES} bytes API Gateway accepts`);
    }
    const incoming = new URL(c.req.url);
    const passed = Object.fromEntries(Object.entries(c.req.header()).filter(([name]) => name !== "host" && !HOP_BY_HOP.has(name)));
    try {
      const forwarded = await forward(group, `${incoming.pathname}${incoming.search}`, c.env.incoming, {
        ...passed,
        "x-forwarded-for": c.req.header("x-forwarded-for") ?? "127.0.0.1",
        "x-forwarded-proto": incoming.protocol.replace(":", ""),
        ...(c.req.header("host") ? { "x-forwarded-host": c.req.header("host")! } : {}),
      });
      if ("response" in forwarded) return forwarded.response;
      if ("noHealthyTarget" in forwarded) {
        // Every target refuses connections: as an ALB whose target group has no registered target (ECS deregisters a
        // stopped task) answers, 503.
        c.header("Retry-After", "1");
        const targets = group.statuses();
        return errorJson(c, 503, "DEPENDENCY_UNAVAILABLE", `${rule.service} service has no healthy target (0 of ${targets.length} healthy)`);
      }
      return errorJson(c, 413, "PAYLOAD_TOO_LARGE", `Request body exceeds the ${MAX_REQUEST_BODY_BYTES} bytes API Gateway accepts`);
    } catch (error) {
      const failure = error instanceof TargetFailure ? error : new TargetFailure(group.statuses()[0]?.url ?? "?", error as Error);
      if ((failure.failure as NodeJS.ErrnoException).code === "ETIMEDOUT") {
        return errorJson(c, 504, "GATEWAY_TIMEOUT", `${rule.service} service did not answer at ${failure.target}: ${failure.message}`);
      }
      return errorJson(c, 502, "BAD_GATEWAY", `${rule.service} service is not reachable at ${failure.target}: ${failure.message}`);
    }
  });
  app.get("/api/ops/targets", (c) => c.json({ rules: control.rules() }));
  if (options.opsRoutes) app.route("/api/ops", options.opsRoutes);
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
  return { app, control, close: () => routes.forEach(({ group }) => group.stop()) };
}

/**
 * A stand-in for API Gateway and the ALB: path-pattern routing to the services' healthy targets (round robin, active and
 * passive health checks), headers (traceparent, Idempotency-Key, Authorization) and bodies passed through,
 * X-Forwarded-* added, API Gateway's body limit, a service's early answer relayed, a request whose connection was
 * refused sent to another target (a stale keep-alive connection's sent again), JSON 404, 413, 502, 503 and 504 in the
 * platform's error shape. Its health checks run (unref'd) for as long as the process; `startGateway` stops them.
 */
export function createGatewayApp(rules: readonly GatewayRule[], options: GatewayOptions = {}): Hono<{ Bindings: HttpBindings }> {
  return createGateway(rules, options).app;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** Target health, rule and target faults (see GatewayControl). */
  readonly control: GatewayControl;
  stop(): Promise<void>;
}

export async function startGateway(
  options: { readonly port: number; readonly rules: readonly GatewayRule[]; readonly observe?: (request: Request, response: Response, durationMs: number) => void } & GatewayOptions,
): Promise<RunningGateway> {
  const { port: wanted, rules, observe, ...gatewayOptions } = options;
  const gateway = createGateway(rules, gatewayOptions);
  // Told of every answer and the time to its headers (the local metrics sink's ALB metrics).
  const fetch: typeof gateway.app.fetch = observe
    ? async (request, ...rest) => {
        const started = performance.now();
        const response = await gateway.app.fetch(request, ...rest);
        observe(request, response, performance.now() - started);
        return response;
      }
    : gateway.app.fetch;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = keepConnectionsAlive(serve({ fetch, port: wanted, hostname: "127.0.0.1" }, () => resolve(started)));
    started.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    control: gateway.control,
    stop: () =>
      new Promise<void>((resolve) => {
        gateway.close();
        server.close(() => resolve());
      }),
  };
}

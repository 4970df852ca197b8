import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { proxy } from "hono/proxy";
import { albRule, albServices, type AlbServiceKey } from "@cloudcafe/catalog";
import { API_REFERENCE_PATH, apiReferencePage } from "./api-reference.ts";

/** One ALB listener rule: requests whose path matches one of `pathPatterns` go to `target` with the path unchanged. */
export interface GatewayRule {
  readonly service: string;
  readonly pathPatterns: readonly string[];
  readonly target: string;
}

/**
 * The catalog's ALB rules, in priority order, for the services given a local address. `/ready` is local only: it lets
 * the console show the order service's readiness (in AWS the ALB health checks call the targets directly).
 */
export function albRules(targets: Partial<Record<AlbServiceKey, string>>): GatewayRule[] {
  const rules = albServices.flatMap((service) => {
    const target = targets[service];
    return target ? [{ service, pathPatterns: albRule(service).pathPatterns, target }] : [];
  });
  if (targets.order) rules.push({ service: "order", pathPatterns: ["/ready", "/ready/*"], target: targets.order });
  return rules;
}

/** An ALB path pattern as a regular expression: `*` is any run of characters, `?` exactly one, the rest literal. */
function pathPatternRegExp(pattern: string): RegExp {
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map((part) => part.split("?").map(literal).join(".")).join(".*")}$`);
}

const errorJson = (c: Context, status: 404 | 502, code: string, message: string) => c.json({ error: { code, message } }, status);

/**
 * A stand-in for the ALB: path-pattern routing to the services, headers (traceparent, Idempotency-Key,
 * Authorization) and bodies passed through, X-Forwarded-* added, JSON 404 and 502 in the platform's error shape.
 */
export function createGatewayApp(rules: readonly GatewayRule[], options: { readonly webRoot?: string } = {}): Hono {
  const matchers = rules.map((rule) => ({ rule, patterns: rule.pathPatterns.map(pathPatternRegExp) }));
  const app = new Hono();
  app.all("*", async (c, next) => {
    const rule = matchers.find(({ patterns }) => patterns.some((pattern) => pattern.test(c.req.path)))?.rule;
    if (!rule) return next();
    const incoming = new URL(c.req.url);
    try {
      return await proxy(`${rule.target}${incoming.pathname}${incoming.search}`, {
        raw: c.req.raw,
        headers: {
          ...c.req.header(),
          "x-forwarded-for": c.req.header("x-forwarded-for") ?? "127.0.0.1",
          "x-forwarded-proto": incoming.protocol.replace(":", ""),
          "x-forwarded-host": c.req.header("host"),
          host: undefined,
        },
      });
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
}): Promise<RunningGateway> {
  const app = createGatewayApp(options.rules, options.webRoot ? { webRoot: options.webRoot } : {});
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: "127.0.0.1" }, () => resolve(started));
    started.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

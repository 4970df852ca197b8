import { createRoute } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@cloudcafe/core";
import { createLogger, createMetrics } from "@cloudcafe/observability";
import { createServiceApp, jsonBody, jsonContent, requireOperator } from "../src/index.ts";

const named = z.object({ name: z.string().min(1) });

const echo = createRoute({
  method: "post",
  path: "/echo/{times}",
  request: { params: z.object({ times: z.coerce.number().int().min(1) }), headers: z.object({ "X-Tone": z.enum(["calm", "loud"]).optional() }), body: jsonBody(named) },
  responses: { 200: { description: "The name, repeated", content: jsonContent(z.array(named)) } },
});

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: "test", write: (line) => lines.push(JSON.parse(line)) });
  const app = createServiceApp({ logger, bodyLimitBytes: 1024 });
  app.openapi(echo, (c) => c.json(Array.from({ length: c.req.valid("param").times }, () => c.req.valid("json")), 200));
  app.get("/boom", () => {
    throw new Error("secret internals");
  });
  app.get("/db-down", () => {
    throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  });
  app.get("/conflict", () => {
    throw new AppError("CONFLICT", "already there");
  });
  app.post("/destroy", requireOperator("a-very-long-operator-token"), (c) => c.json({ ok: true }));
  return { app, lines };
}

const bodyOf = async (res: Response): Promise<any> => res.json();

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("service app error contract", () => {
  it("answers 400 VALIDATION_FAILED naming the bad field", async () => {
    const res = await appWithLog().app.request("/echo/1", json({ name: "" }));
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details[0].path).toBe("name");
  });

  it("answers 400 VALIDATION_FAILED for path parameters and headers outside the route's contract", async () => {
    const { app } = appWithLog();
    const badParam = await bodyOf(await app.request("/echo/none", json({ name: "a" })));
    expect(badParam.error).toMatchObject({ code: "VALIDATION_FAILED", message: "Invalid path parameters", details: [{ path: "times" }] });
    const badHeader = await bodyOf(await app.request("/echo/2", json({ name: "a" }, { "x-tone": "shouty" })));
    expect(badHeader.error).toMatchObject({ code: "VALIDATION_FAILED", message: "Invalid request headers", details: [{ path: "X-Tone" }] });
    expect(await bodyOf(await app.request("/echo/2", json({ name: "a" }, { "x-tone": "calm" })))).toEqual([{ name: "a" }, { name: "a" }]);
  });

  it("answers 400 MALFORMED_JSON, 415 for other media types, 413 past the body limit", async () => {
    const { app } = appWithLog();
    expect((await bodyOf(await app.request("/echo/1", json("{nope")))).error.code).toBe("MALFORMED_JSON");
    const text = await app.request("/echo/1", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(text.status).toBe(415);
    expect((await bodyOf(text)).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((await app.request("/echo/1", { method: "POST" })).status).toBe(415);
    const big = await app.request("/echo/1", json({ name: "x".repeat(2048) }));
    expect(big.status).toBe(413);
    expect((await bodyOf(big)).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 404 JSON for unknown routes and maps AppError codes to statuses", async () => {
    const { app } = appWithLog();
    const missing = await app.request("/nowhere");
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe("NOT_FOUND");
    expect((await app.request("/conflict")).status).toBe(409);
  });

  it("hides internals of unexpected errors and logs them with the trace id", async () => {
    const { app, lines } = appWithLog();
    const res = await app.request("/boom", { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await bodyOf(res))).not.toContain("secret");
    const failure = lines.find((l) => l.message === "request failed")!;
    expect(failure.trace_id).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(res.headers.get("traceparent")).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  it("turns a dependency outage into a retryable 503", async () => {
    const res = await appWithLog().app.request("/db-down");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await bodyOf(res)).error.code).toBe("DEPENDENCY_UNAVAILABLE");
  });

  it("guards destructive routes: 401 without a token, 403 with a wrong one, through with the right one", async () => {
    const { app } = appWithLog();
    expect((await app.request("/destroy", { method: "POST" })).status).toBe(401);
    expect((await app.request("/destroy", { method: "POST", headers: { authorization: "Bearer wrong" } })).status).toBe(403);
    expect((await app.request("/destroy", { method: "POST", headers: { authorization: "Bearer a-very-long-operator-token" } })).status).toBe(200);
  });
});

describe("request log levels", () => {
  function appLoggingAt(level: "DEBUG" | "INFO") {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: "test", level, write: (line) => lines.push(JSON.parse(line)) });
    const metrics = createMetrics({ namespace: "CloudCafe/Test", service: "test", write: (line) => lines.push(JSON.parse(line)) });
    const app = createServiceApp({ logger, metrics, requestLog: { routinePaths: ["/internal/faults"] } });
    let healthy = true;
    app.get("/health", (c) => (healthy ? c.json({ status: "ok" }) : c.json({ status: "down" }, 503)));
    app.get("/internal/faults", (c) => c.json({}));
    app.get("/menu", (c) => c.json([]));
    return { app, lines, fail: () => (healthy = false) };
  }
  const healthCheck = { headers: { "user-agent": "ELB-HealthChecker/2.0" } };
  const completed = (lines: Record<string, unknown>[]) => lines.filter((line) => line.message === "request completed").map((line) => [line.path, line.level]);

  it("logs passing health checks and routine polls at DEBUG and traffic at INFO", async () => {
    const { app, lines } = appLoggingAt("DEBUG");
    await app.request("/health", healthCheck);
    await app.request("/internal/faults");
    await app.request("/menu");
    // The same path without the health checker's User-Agent is someone's request, not a check.
    await app.request("/health");
    expect(completed(lines)).toEqual([
      ["/health", "DEBUG"],
      ["/internal/faults", "DEBUG"],
      ["/menu", "INFO"],
      ["/health", "INFO"],
    ]);
  });

  it("measures RequestLatency for traffic and failing checks, not for passing health checks or routine polls", async () => {
    const { app, lines, fail } = appLoggingAt("INFO");
    const latencies = () => lines.filter((line) => "RequestLatency" in line).map((line) => line.route);
    await app.request("/health", healthCheck);
    await app.request("/internal/faults");
    expect(latencies()).toEqual([]);
    await app.request("/menu");
    await app.request("/health");
    fail();
    await app.request("/health", healthCheck);
    expect(latencies()).toEqual(["/menu", "/health", "/health"]);
  });

  it("keeps a failing health check at ERROR, and an INFO logger quiet while checks pass", async () => {
    const { app, lines, fail } = appLoggingAt("INFO");
    await app.request("/health", healthCheck);
    await app.request("/internal/faults");
    expect(completed(lines)).toEqual([]);
    fail();
    await app.request("/health", healthCheck);
    expect(completed(lines)).toEqual([["/health", "ERROR"]]);
  });
});

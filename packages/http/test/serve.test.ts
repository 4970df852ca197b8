import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { KEEP_ALIVE_TIMEOUT_MS } from "../src/keep-alive.ts";
import { startHttpServer } from "../src/serve.ts";

describe("service HTTP server", () => {
  // "Connection idle timeout": the ALB closes idle connections after 60 s by default, and "we recommend that you
  // configure the idle timeout of your application to be larger than the idle timeout configured for the load
  // balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout
  it("keeps idle connections open longer than an ALB's 60 s idle timeout, and says so in Keep-Alive", async () => {
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    const app = new Hono().get("/health", (c) => c.json({ status: "ok" }));
    const port = await new Promise<number>((resolve) => startHttpServer({ app, port: 0, hostname: "127.0.0.1" }, resolve).unref());
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("keep-alive")).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    await response.body?.cancel();
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { albRules, MAX_REQUEST_BODY_BYTES, startGateway, type RunningGateway } from "../src/gateway.ts";
import { closedPortUrl } from "./support/ports.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** An upstream service that records what reached it (the gateway's health checks aside) and answers 201 with a header of its own. */
async function startRecordingService(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    if (request.url === "/health") return void response.writeHead(200).end("ok");
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      response.writeHead(201, { "content-type": "application/json", "x-order-service": "yes" });
      response.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** A raw TCP service's answer to the gateway's health check (200, connection closed); false for any other request. */
function answeredHealthCheck(socket: Socket, request: string): boolean {
  if (!request.startsWith("GET /health ")) return false;
  socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
  return true;
}

describe("local gateway (ALB stand-in)", () => {
  let upstream: Awaited<ReturnType<typeof startRecordingService>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startRecordingService();
    gateway = await startGateway({ port: 0, rules: albRules({ order: upstream.url }) });
  });

  afterAll(async () => {
    await gateway.stop();
    await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  });

  it("forwards /api/orders/* to the order service with path, query, headers and body unchanged", async () => {
    const response = await fetch(`${gateway.url}/api/orders/ord-1/cancel?reason=late`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "idempotency-key": "key-123",
        authorization: "Bearer operator-token",
      },
      body: JSON.stringify({ note: "customer asked" }),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get("x-order-service")).toBe("yes");
    expect(await response.json()).toEqual({ ok: true });
    const request = upstream.seen.at(-1);
    expect(request).toMatchObject({ method: "POST", url: "/api/orders/ord-1/cancel?reason=late", body: '{"note":"customer asked"}' });
    expect(request?.headers).toMatchObject({
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "idempotency-key": "key-123",
      authorization: "Bearer operator-token",
      "x-forwarded-proto": "http",
    });
  });

  it("forwards the bare /api/orders collection path", async () => {
    const response = await fetch(`${gateway.url}/api/orders`);
    expect(response.status).toBe(201);
    expect(upstream.seen.at(-1)).toMatchObject({ method: "GET", url: "/api/orders" });
  });

  it("answers 404 in the error contract for paths no rule covers, including look-alike prefixes", async () => {
    for (const path of ["/api/menu/items", "/api/ordersx", "/"]) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("routes each service the catalog puts behind the ALB to its own address", async () => {
    const menu = await startRecordingService();
    const both = await startGateway({ port: 0, rules: albRules({ order: upstream.url, menu: menu.url }) });
    try {
      expect((await fetch(`${both.url}/api/menu/items?store=s-1`)).status).toBe(201);
      expect(menu.seen.at(-1)).toMatchObject({ method: "GET", url: "/api/menu/items?store=s-1" });
      expect((await fetch(`${both.url}/api/orders/ord-2`)).status).toBe(201);
      expect(upstream.seen.at(-1)).toMatchObject({ method: "GET", url: "/api/orders/ord-2" });
      expect(menu.seen).toHaveLength(1);
    } finally {
      await both.stop();
      await new Promise<void>((resolve) => menu.server.close(() => resolve()));
    }
  });

  it("sends a request again on a new connection when the kept-alive one it was given was closed by the service", async () => {
    // The service answers the first request on each connection and drops the connection when a second one arrives
    // on it, as a keep-alive timeout racing the next request does.
    const handled: string[] = [];
    const flaky = createNetServer((socket) => {
      let requests = 0;
      socket.on("data", (chunk: Buffer) => {
        const line = chunk.toString().split("\r\n")[0] ?? "";
        if (!/^[A-Z]+ /.test(line)) return;
        if (answeredHealthCheck(socket, line)) return;
        if (++requests > 1) return void socket.destroy();
        handled.push(line);
        socket.write("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{\"ok\":true}");
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const viaFlaky = await startGateway({ port: 0, rules: albRules({ order: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}` }) });
    try {
      for (const id of ["a", "b", "c"]) {
        const response = await fetch(`${viaFlaky.url}/api/orders`, { method: "POST", headers: { "idempotency-key": id }, body: `{"id":"${id}"}` });
        expect(response.status).toBe(201);
      }
      expect(handled).toEqual(["POST /api/orders HTTP/1.1", "POST /api/orders HTTP/1.1", "POST /api/orders HTTP/1.1"]);
    } finally {
      await viaFlaky.stop();
      flaky.close();
    }
  });

  it("does not send a request again when a new connection fails mid-request (the service may have acted on it)", async () => {
    let received = 0;
    const dropping = createNetServer((socket) =>
      socket.once("data", (chunk: Buffer) => {
        if (answeredHealthCheck(socket, chunk.toString())) return;
        received++;
        socket.destroy();
      }),
    );
    await new Promise<void>((resolve) => dropping.listen(0, "127.0.0.1", resolve));
    const viaDropping = await startGateway({ port: 0, rules: albRules({ order: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}` }) });
    try {
      const response = await fetch(`${viaDropping.url}/api/orders`, { method: "POST", body: "{}" });
      expect(response.status).toBe(502);
      expect(received).toBe(1);
    } finally {
      await viaDropping.stop();
      dropping.close();
    }
  });

  it("answers 502 in the error contract when the target service is down", async () => {
    const down = await startGateway({ port: 0, rules: albRules({ order: await closedPortUrl() }) });
    try {
      const response = await fetch(`${down.url}/api/orders`, { method: "POST", body: "{}" });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { code: "BAD_GATEWAY" } });
    } finally {
      await down.stop();
    }
  });
});

/** A service that refuses bodies over 64 KB without reading them, as the order service's body limit does. */
async function startLimitedService(): Promise<{ url: string; close: () => Promise<void>; reached: () => number }> {
  let reached = 0;
  const app = new Hono().get("/health", (c) => c.text("ok")).post(
    "*",
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "too large" } }, 413) }),
    (c) => c.json({ ok: true }, 201),
  );
  app.use("*", async (_c, next) => {
    reached++;
    await next();
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    reached: () => reached,
  };
}

describe("local gateway body limits (API Gateway's, then the service's)", () => {
  it("relays a service's 413 to a 3 MB POST that it answered before reading the body, instead of a 502", async () => {
    const service = await startLimitedService();
    const gateway = await startGateway({ port: 0, rules: albRules({ order: service.url }) });
    try {
      // The service closes such a connection a moment after its answer (@hono/node-server gives up draining the
      // unread body): the next requests, big or small, must not be lost to that closing connection.
      for (let round = 0; round < 3; round++) {
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await fetch(`${gateway.url}/api/orders`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ note: "x".repeat(3 * 1024 * 1024) }),
          });
          expect(response.status).toBe(413);
          expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", message: "too large" } });
        }
        const small = await fetch(`${gateway.url}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        expect(small.status).toBe(201);
      }
    } finally {
      await gateway.stop();
      await service.close();
    }
  });

  // "Amazon API Gateway quotas" (REST APIs: payload size 10 MB), https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
  it("answers 413 itself to a body over API Gateway's 10 MB, declared or streamed, without passing it on", async () => {
    const upstream = await startRecordingService();
    const gateway = await startGateway({ port: 0, rules: albRules({ order: upstream.url }) });
    try {
      expect(MAX_REQUEST_BODY_BYTES).toBe(10 * 1024 * 1024);
      const declared = await fetch(`${gateway.url}/api/orders`, { method: "POST", body: "x".repeat(MAX_REQUEST_BODY_BYTES + 1) });
      expect(declared.status).toBe(413);
      expect(await declared.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      const chunk = new Uint8Array(1024 * 1024);
      const streamed = await fetch(`${gateway.url}/api/orders`, {
        method: "POST",
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i <= 10; i++) controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(upstream.seen).toEqual([]);
    } finally {
      await gateway.stop();
      await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
    }
  });
});

describe("local gateway serving the web console", () => {
  let upstream: Awaited<ReturnType<typeof startRecordingService>>;
  let gateway: RunningGateway;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), "cloudcafe-web-"));
    await mkdir(join(webRoot, "assets"));
    await writeFile(join(webRoot, "index.html"), "<!doctype html><title>CloudCafe</title>");
    await writeFile(join(webRoot, "assets", "app-1a2b3c.js"), "console.log('hi')");
    upstream = await startRecordingService();
    gateway = await startGateway({ port: 0, rules: albRules({ order: upstream.url }), webRoot });
  });

  afterAll(async () => {
    await gateway.stop();
    upstream.server.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  it("serves index.html at / for revalidation and hashed assets as immutable", async () => {
    const index = await fetch(`${gateway.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>CloudCafe</title>");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const asset = await fetch(`${gateway.url}/assets/app-1a2b3c.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("still routes the API and /ready to the order service, and answers 404 JSON for missing files", async () => {
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(201);
    expect(upstream.seen.at(-1)?.url).toBe("/ready");
    const missing = await fetch(`${gateway.url}/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../src/process/net.ts";
import { albRules, LOCAL_CONNECT_TIMEOUT_MS, startGateway, type RunningGateway } from "../src/gateway.ts";
import type { HealthCheckSettings, TargetHealth } from "../src/gateway-targets.ts";

/** A target whose `/health` answers `health.status` (changeable), and any other path its name; counts what it served. */
interface FixtureTarget {
  readonly name: string;
  readonly url: string;
  readonly server: Server;
  health: { status: number };
  served: number;
  /** Health checks answered. */
  checks: number;
  /** When set, requests to this path get their connection destroyed before any answer (a process dying mid-request). */
  resetPath?: string;
}

const started: Server[] = [];
async function target(name: string): Promise<FixtureTarget> {
  const fixture = { name, health: { status: 200 }, served: 0, checks: 0 } as FixtureTarget;
  const server = createServer((request, response) => {
    if (request.url === "/health") {
      fixture.checks++;
      return void response.writeHead(fixture.health.status).end();
    }
    if (fixture.resetPath && request.url === fixture.resetPath) return void request.socket.destroy();
    fixture.served++;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  started.push(server);
  return Object.assign(fixture, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await Promise.all(started.splice(0).filter((server) => server.listening).map(close));
});

const fast: HealthCheckSettings = { intervalMs: 100, timeoutMs: 1_000, healthyThreshold: 2, unhealthyThreshold: 2 };
/** Checks that never come again after the first round: only traffic (passive health) changes a target. */
const passiveOnly: HealthCheckSettings = { ...fast, intervalMs: 3_600_000 };

async function gatewayFor(targets: FixtureTarget[], healthCheck: HealthCheckSettings): Promise<RunningGateway> {
  gateway = await startGateway({ port: 0, rules: albRules({ order: targets.map((fixture) => fixture.url) }), healthCheck });
  return gateway;
}

const healthOf = (running: RunningGateway, url: string): TargetHealth | undefined => running.control.targets("order").find((entry) => entry.url === url)?.health;
const until = (running: RunningGateway, url: string, health: TargetHealth) =>
  waitUntil(`${url} ${health}`, async () => healthOf(running, url) === health, 10_000, 20);

async function names(base: string, count: number, init?: RequestInit): Promise<string[]> {
  const answered: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${base}/api/orders/x`, init);
    expect(response.status).toBe(200);
    answered.push(((await response.json()) as { name: string }).name);
  }
  return answered;
}

describe("gateway target health (an ALB target group)", () => {
  it("round-robins over the healthy targets and skips one whose health checks fail, until they pass again", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], fast);
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");
    expect((await names(running.url, 4)).sort()).toEqual(["a", "a", "b", "b"]);

    a.health.status = 500;
    await until(running, a.url, "unhealthy");
    expect(running.control.targets("order").find((entry) => entry.url === a.url)?.reason).toBe("health check answered 500");
    expect(new Set(await names(running.url, 6))).toEqual(new Set(["b"]));

    a.health.status = 200;
    await until(running, a.url, "healthy");
    expect(new Set(await names(running.url, 6))).toEqual(new Set(["a", "b"]));
  });

  it("sends a request whose connection was refused to another target, and marks the refusing one unhealthy at once", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], passiveOnly);
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");
    await close(a.server);

    const answered = await names(running.url, 4, { method: "POST", body: "{}" });

    expect(answered).toEqual(["b", "b", "b", "b"]);
    const refused = running.control.targets("order").find((entry) => entry.url === a.url);
    expect(refused).toMatchObject({ health: "unhealthy", reason: expect.stringContaining("connection refused") });
  });

  it("sends a read or an Idempotency-Key write again to another target when its connection is reset before an answer", async () => {
    const [a, b] = [await target("a"), await target("b")];
    a.resetPath = "/api/orders/x";
    const running = await gatewayFor([a, b], passiveOnly);
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");

    expect(await names(running.url, 4)).toEqual(["b", "b", "b", "b"]);
    expect(await names(running.url, 2, { method: "POST", body: "{}", headers: { "idempotency-key": "k-1" } })).toEqual(["b", "b"]);
    // A write without a key may have been acted on: never sent twice.
    const statuses = await Promise.all([1, 2].map(async () => (await fetch(`${running.url}/api/orders/x`, { method: "POST", body: "{}" })).status));
    expect(statuses).toContain(502);
  });

  it("answers 503 in the error shape when no target is healthy and every one refuses connections (its copies are down)", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], fast);
    await until(running, a.url, "healthy");
    await Promise.all([close(a.server), close(b.server)]);
    await until(running, a.url, "unhealthy");
    await until(running, b.url, "unhealthy");

    const response = await fetch(`${running.url}/api/orders/x`);

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({ error: { code: "DEPENDENCY_UNAVAILABLE", message: "order service has no healthy target (0 of 2 healthy)" } });
  });

  it("fails open as an ALB does when every target fails its checks but accepts connections", async () => {
    const [a, b] = [await target("a"), await target("b")];
    a.health.status = 503;
    b.health.status = 500;
    const running = await gatewayFor([a, b], fast);
    await until(running, a.url, "unhealthy");
    await until(running, b.url, "unhealthy");

    expect((await names(running.url, 4)).sort()).toEqual(["a", "a", "b", "b"]);
  });

  it("checks rarely while nothing is routed and every target is healthy, and at the short interval again from the first request", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], { ...fast, idleIntervalMs: 1_500, idleAfterMs: 300 });
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");
    await new Promise((r) => setTimeout(r, 600));
    const idleFrom = a.checks;
    await new Promise((r) => setTimeout(r, 2_000));
    // At 100 ms this would be about 20 checks; idle, one or two.
    expect(a.checks - idleFrom).toBeLessThanOrEqual(2);

    expect((await names(running.url, 2)).sort()).toEqual(["a", "b"]);
    const busyFrom = a.checks;
    await new Promise((r) => setTimeout(r, 250));
    await names(running.url, 2);
    await new Promise((r) => setTimeout(r, 250));
    expect(a.checks - busyFrom).toBeGreaterThanOrEqual(3);

    // A target that starts failing while idle is still found (at the idle interval).
    await new Promise((r) => setTimeout(r, 600));
    a.health.status = 500;
    await until(running, a.url, "unhealthy");
    expect(new Set(await names(running.url, 4))).toEqual(new Set(["b"]));
  });

  it("a copy that stopped is unhealthy at once, even on an idle group, and healthy again two quick checks after it answers", async () => {
    const [a, b] = [await target("a"), await target("b")];
    // Idle checks an hour apart: only targetStopped and the short interval it brings back can change anything here.
    const running = await gatewayFor([a, b], { ...fast, idleIntervalMs: 3_600_000, idleAfterMs: 100 });
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");
    await new Promise((r) => setTimeout(r, 300));

    // The copy is down (its replacement not answering yet) and the supervisor says so.
    a.health.status = 503;
    running.control.targetStopped(a.url, "the copy stopped (SIGKILL)");
    expect(running.control.targets("order").find((entry) => entry.url === a.url)).toMatchObject({ health: "unhealthy", reason: "the copy stopped (SIGKILL)" });
    // Not routed to while it is down, not even by failing open.
    expect(new Set(await names(running.url, 4))).toEqual(new Set(["b"]));
    // Its checks run at the short interval: once the replacement answers, back within a second, not an hour.
    a.health.status = 200;
    await waitUntil("the restarted copy to be healthy again", async () => healthOf(running, a.url) === "healthy", 2_000, 50);
  });

  it("lists rules and target health at /api/ops/targets", async () => {
    const a = await target("a");
    const running = await gatewayFor([a], fast);
    await until(running, a.url, "healthy");
    const body = (await (await fetch(`${running.url}/api/ops/targets`)).json()) as { rules: unknown[] };
    expect(body.rules).toEqual([
      { service: "order", pathPatterns: ["/api/orders", "/api/orders/*", "/ready"], enabled: true, healthPath: "/health", targets: [{ url: a.url, health: "healthy", since: expect.any(String) }] },
    ]);
  });
});

describe("gateway faults (alb-rule-deletion, sg-ingress-revocation)", () => {
  it("a disabled rule's paths get the listener's default 403 until it is enabled again", async () => {
    const a = await target("a");
    const running = await gatewayFor([a], fast);
    running.control.disableRule("order");
    const missing = await fetch(`${running.url}/api/orders/x`);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(a.served).toBe(0);
    expect(running.control.rules()[0]).toMatchObject({ service: "order", enabled: false });

    running.control.enableRule("order");
    expect((await fetch(`${running.url}/api/orders/x`)).status).toBe(200);
  });

  it("a black-holed target times out (504) until its health checks fail, then traffic goes to the other; restored, it serves again", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], fast);
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");

    running.control.blackholeTarget(a.url);
    // Round robin sends one of two requests to the black-holed target before its checks have failed twice.
    const [first, second] = await Promise.all([fetch(`${running.url}/api/orders/1`), fetch(`${running.url}/api/orders/2`)]);
    const timedOut = [first, second].find((response) => response.status === 504);
    expect(timedOut, "one request reached the black-holed target").toBeDefined();
    expect(await timedOut!.json()).toMatchObject({ error: { code: "GATEWAY_TIMEOUT", message: expect.stringContaining(`${LOCAL_CONNECT_TIMEOUT_MS} ms`) } });
    await until(running, a.url, "unhealthy");
    expect(running.control.targets("order").find((entry) => entry.url === a.url)).toMatchObject({ blackhole: "timeout", reason: expect.stringContaining("timed out") });
    expect(new Set(await names(running.url, 4))).toEqual(new Set(["b"]));

    running.control.restoreTarget(a.url);
    await until(running, a.url, "healthy");
    expect(new Set(await names(running.url, 4))).toEqual(new Set(["a", "b"]));
  });

  it("a target black-holed with refuse is skipped at once: the request goes to the other target", async () => {
    const [a, b] = [await target("a"), await target("b")];
    const running = await gatewayFor([a, b], passiveOnly);
    await until(running, a.url, "healthy");
    await until(running, b.url, "healthy");
    running.control.blackholeTarget(a.url, "refuse");

    expect(await names(running.url, 4, { method: "POST", body: "{}" })).toEqual(["b", "b", "b", "b"]);
    expect(healthOf(running, a.url)).toBe("unhealthy");
    expect(a.served).toBe(0);
  });
});

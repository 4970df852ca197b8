import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { ApiError } from "../src/api/errors.ts";
import { type HttpStub, closedPort, startHttpStub } from "./http-stub.ts";
import { menuItem, order, store } from "./factories.ts";

const SERVER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const serverTraceparent = `00-${SERVER_TRACE}-00f067aa0ba902b7-01`;

let stub: HttpStub;
let token: string | undefined;
const client = () => createApiClient({ baseUrl: stub.baseUrl, operatorToken: () => token });

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  stub = await startHttpStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.seen.length = 0;
  token = undefined;
});

describe("api client", () => {
  it("places an order with its idempotency key and a browser-started trace, and reports the server's trace id", async () => {
    stub.reply({ status: 201, body: order(), headers: { traceparent: serverTraceparent, "idempotent-replayed": "true" } });
    const request = { customerId: "customer-1", storeId: "store-sea-001", items: [{ sku: "ESP-003", size: "grande" as const, quantity: 1, options: [] }] };

    const response = await client().placeOrder(request, "key-1");

    expect(response).toMatchObject({ status: 201, traceId: SERVER_TRACE, replayed: true, data: { orderId: order().orderId } });
    const [sent] = stub.seen;
    expect(sent).toMatchObject({ method: "POST", url: "/api/orders" });
    expect(sent!.headers["idempotency-key"]).toBe("key-1");
    expect(sent!.headers["content-type"]).toBe("application/json");
    expect(sent!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(JSON.parse(sent!.body)).toEqual(request);
  });

  it("reads the menu from the Menu service one category at a time, and the stores beside it", async () => {
    stub.reply({ status: 200, body: { items: [menuItem()] } }, { status: 200, body: { stores: [store()] } });
    expect((await client().menuItems("espresso")).data.items).toEqual([menuItem()]);
    expect((await client().stores()).data.stores).toEqual([store()]);
    expect(stub.seen.map((sent) => `${sent.method} ${sent.url}`)).toEqual(["GET /api/menu/items/espresso", "GET /api/menu/stores"]);
  });

  it("falls back to the trace it sent when the answer carries none", async () => {
    stub.reply({ status: 200, body: order() });
    const response = await client().getOrder(order().orderId);
    expect(stub.seen[0]!.headers.traceparent).toContain(response.traceId);
  });

  it("maps the error contract to code, message, details and status", async () => {
    const details = [{ path: "items.0.size", message: "Caffè Latte comes in tall, grande" }];
    stub.reply({ status: 400, body: { error: { code: "VALIDATION_FAILED", message: "Order cannot be priced", details } }, headers: { traceparent: serverTraceparent } });

    const error = await failure(client().getOrder("ord_x"));

    expect(error).toMatchObject({ code: "VALIDATION_FAILED", message: "Order cannot be priced", status: 400, traceId: SERVER_TRACE, details, retryable: false });
  });

  it("marks overload answers retryable and keeps Retry-After", async () => {
    stub.reply({ status: 503, body: { error: { code: "DEPENDENCY_UNAVAILABLE", message: "Postgres is not answering" } }, headers: { "retry-after": "2" } });
    const error = await failure(client().stores());
    expect(error).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE", status: 503, retryable: true, retryAfterSeconds: 2 });
  });

  it("reports a proxy's HTML error page as an unexpected response, retryable when it is a gateway error", async () => {
    stub.reply({ status: 502, body: "<html>Bad Gateway</html>" });
    const error = await failure(client().stores());
    expect(error).toMatchObject({ code: "UNEXPECTED_RESPONSE", status: 502, retryable: true });
  });

  it("refuses a 200 whose body is not JSON", async () => {
    stub.reply({ status: 200, body: "<html>index.html from a catch-all route</html>" });
    const error = await failure(client().stores());
    expect(error).toMatchObject({ code: "UNEXPECTED_RESPONSE", status: 200, retryable: false });
  });

  it("reports no answer as a retryable network error carrying the trace it sent", async () => {
    const offline = createApiClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = await failure(offline.stores());
    expect(error).toMatchObject({ code: "NETWORK_ERROR", status: 0, retryable: true });
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("sends the operator token as a bearer token only on operator calls, read at call time", async () => {
    token = "local-operator-token";
    const run = { id: "run-1", scenario: "morning-rush", status: "running", targetCpu: 0.5, durationSeconds: 10, startedAt: "2026-01-01T08:00:00.000Z", samples: [] };
    stub.reply({ status: 202, body: { run } }, { status: 200, body: order() });

    const started = await client().startStressRun("morning-rush", { targetCpu: 0.5, durationSeconds: 10, runId: "run-1" });
    await client().getOrder(order().orderId);

    expect(started.data).toEqual(run);
    expect(stub.seen[0]).toMatchObject({ method: "POST", url: "/api/orders/stress/morning-rush" });
    expect(stub.seen[0]!.headers.authorization).toBe("Bearer local-operator-token");
    expect(stub.seen[1]!.headers.authorization).toBeUndefined();
  });

  it("starts each scenario on the service that hosts it", async () => {
    token = "t";
    const run = { id: "run-3", scenario: "restock", status: "running", targetCpu: 0.8, durationSeconds: 180, startedAt: "2026-01-01T08:00:00.000Z", samples: [] };
    stub.reply({ status: 202, body: { run } });
    await client().startStressRun("restock", { targetCpu: 0.8, durationSeconds: 180, runId: "run-3" });
    expect(stub.seen[0]).toMatchObject({ method: "POST", url: "/api/inventory/stress/restock" });
  });

  it("tells a missing operator token (401) from a rejected one (403)", async () => {
    const hosts = 4; // order, inventory, menu and loyalty each host a scenario; the list asks them all
    stub.reply(
      ...Array.from({ length: hosts }, () => ({ status: 401, body: { error: { code: "UNAUTHORIZED", message: "Operator token required (Authorization: Bearer <token>)" } } })),
      ...Array.from({ length: hosts }, () => ({ status: 403, body: { error: { code: "FORBIDDEN", message: "Operator token rejected" } } })),
    );
    expect(await failure(client().listStressRuns())).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    token = "wrong";
    expect(await failure(client().listStressRuns())).toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("unwraps the stress routes' envelopes", async () => {
    token = "t";
    const run = { id: "run-2", scenario: "morning-rush", status: "cancelled", targetCpu: 0.9, durationSeconds: 60, startedAt: "2026-01-01T08:00:00.000Z", samples: [{ second: 1, cpu: 0.88, duty: 0.9 }] };
    // One service has the run; the other three are not running here.
    const notRunning = { status: 502, body: { error: { code: "BAD_GATEWAY", message: "service is not reachable" } } };
    stub.reply({ status: 200, body: { runs: [run] } }, notRunning, notRunning, notRunning, { status: 200, body: { run } });
    const listed = await client().listStressRuns();
    expect(listed.data).toEqual([run]);
    expect(listed.unreachable).toHaveLength(3);
    expect((await client().cancelStressRun("morning-rush", "run-2")).data).toEqual(run);
    expect(stub.seen[4]).toMatchObject({ method: "DELETE", url: "/api/orders/stress/runs/run-2" });
  });

  it("reads a degraded readiness report (503) as an answer, not an error", async () => {
    const degraded = { status: "degraded", service: "order-service", dependencies: { redis: { ok: false, latencyMs: 1500, error: "no answer within 1500 ms" } } };
    stub.reply({ status: 503, body: degraded }, { status: 503, body: { error: { code: "DEPENDENCY_UNAVAILABLE", message: "order service down" } } });
    expect((await client().readiness()).data).toEqual(degraded);
    expect(await failure(client().readiness())).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE" });
  });
});

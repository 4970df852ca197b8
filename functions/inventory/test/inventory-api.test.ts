import { afterAll, describe, expect, it } from "vitest";
import { useLocalEnv } from "@cloudcafe/local/testing/env";
import { anOrderId, applyToCounters, inventoryFixture, operator, postJson, stockStore, streamRecords, uniqueStoreId } from "./support.ts";

useLocalEnv();
const fixture = await inventoryFixture();
const { app, service, ledger, counters, config } = fixture;
afterAll(() => fixture.close());

const update = (body: unknown, headers: Record<string, string> = operator) => postJson(app, "/api/inventory/update", body, headers);
const body = async (res: Response): Promise<any> => res.json();

describe("GET /api/inventory/store/:storeId", () => {
  it("answers every SKU with onHand, reserved and available and the store's status, from the counters once the stream has them", async () => {
    const storeId = uniqueStoreId("read");
    await stockStore(config.table, storeId, { "ESP-001": 12, "BAK-001": 3 });
    await service.reserve({ orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 2 }] });

    const fromTable = await app.request(`/api/inventory/store/${storeId}`);
    expect(fromTable.status).toBe(200);
    expect(await body(fromTable)).toMatchObject({ storeId, status: "open", source: "table" });

    await applyToCounters(await streamRecords(config.table), counters);
    const res = await app.request(`/api/inventory/store/${storeId}`);
    expect(await body(res)).toEqual({
      storeId,
      status: "open",
      source: "counters",
      items: [
        { sku: "BAK-001", onHand: 3, reserved: 0, available: 3, version: 1 },
        { sku: "ESP-001", onHand: 12, reserved: 2, available: 10, version: 2 },
      ],
    });
  });

  it("falls back to DynamoDB when MemoryDB is down", async () => {
    const storeId = uniqueStoreId("fallback");
    await stockStore(config.table, storeId, { "ESP-001": 4 });
    const down = await inventoryFixture({ memoryDb: "down" });
    try {
      const res = await down.app.request(`/api/inventory/store/${storeId}`);
      expect(res.status).toBe(200);
      expect(await body(res)).toMatchObject({ source: "table", items: [{ sku: "ESP-001", onHand: 4, available: 4 }] });
    } finally {
      down.close();
    }
  });

  it("answers 404 in the error shape for a store it has no inventory for, and 400 for a malformed store id", async () => {
    const unknown = await app.request(`/api/inventory/store/${uniqueStoreId("nowhere")}`);
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await app.request("/api/inventory/store/%20bad%20id")).status).toBe(400);
  });
});

describe("POST /api/inventory/update", () => {
  it("sets and adjusts stock with the operator token, recording the reason", async () => {
    const storeId = uniqueStoreId("update");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    const set = await update({ storeId, sku: "ESP-001", mode: "set", quantity: 30, reason: "count" });
    expect(set.status).toBe(200);
    expect(await body(set)).toMatchObject({ storeId, replayed: false, level: { sku: "ESP-001", onHand: 30, reserved: 0, available: 30, version: 2 } });
    const adjusted = await update({ storeId, sku: "ESP-001", mode: "adjust", quantity: -5, reason: "spilled" });
    expect(await body(adjusted)).toMatchObject({ level: { onHand: 25, available: 25 } });
  });

  it("applies a retried Idempotency-Key once, and refuses the key with another body", async () => {
    const storeId = uniqueStoreId("idem");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    const key = { ...operator, "Idempotency-Key": `restock-${storeId}` };
    const delivery = { storeId, sku: "ESP-001", mode: "adjust", quantity: 6, reason: "delivery" };
    const first = await body(await update(delivery, key));
    const again = await body(await update(delivery, key));
    expect(again).toMatchObject({ replayed: true, changeId: first.changeId, level: { onHand: 16 } });
    const reused = await update({ ...delivery, quantity: 7 }, key);
    expect(reused.status).toBe(409);
    expect(await body(reused)).toMatchObject({ error: { code: "IDEMPOTENCY_KEY_REUSED" } });
    expect((await ledger.storeStock(storeId))!.items[0]).toMatchObject({ onHand: 16 });
  });

  it("answers bad input with a 4xx in the error shape and changes nothing", async () => {
    const storeId = uniqueStoreId("bad");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    await service.reserve({ orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 4 }] });
    const before = await ledger.storeStock(storeId);
    const good = { storeId, sku: "ESP-001", mode: "set", quantity: 5, reason: "count" };

    const cases: [unknown, number, string, Record<string, string>?][] = [
      [{ ...good, quantity: -1 }, 400, "VALIDATION_FAILED"],
      [{ ...good, quantity: "5" }, 400, "VALIDATION_FAILED"],
      [{ ...good, mode: "replace" }, 400, "VALIDATION_FAILED"],
      [{ ...good, reason: "" }, 400, "VALIDATION_FAILED"],
      [{ ...good, extra: true }, 400, "VALIDATION_FAILED"],
      ["{not json", 400, "MALFORMED_JSON"],
      [{ ...good, sku: "TEA-999" }, 404, "NOT_FOUND"],
      [{ ...good, storeId: uniqueStoreId("unknown") }, 404, "NOT_FOUND"],
      [{ ...good, quantity: 3 }, 409, "CONFLICT"],
      [{ ...good, mode: "adjust", quantity: -7 }, 409, "CONFLICT"],
      [good, 401, "UNAUTHORIZED", {}],
      [good, 403, "FORBIDDEN", { authorization: "Bearer not-the-operator-token" }],
    ];
    for (const [input, status, code, headers] of cases) {
      const res = await update(input, headers ?? operator);
      expect({ input, status: res.status }).toEqual({ input, status });
      expect(await body(res)).toMatchObject({ error: { code } });
    }
    expect(await ledger.storeStock(storeId)).toEqual(before);
  });
});

describe("rate limits (token buckets in MemoryDB)", () => {
  it("answers 429 with Retry-After and the error shape once a store's bucket is empty, leaving other stores alone", async () => {
    const limited = await inventoryFixture({
      limits: { updates: { capacity: 2, refillPerSecond: 0.1 }, reservations: { capacity: 1, refillPerSecond: 0.1 } },
    });
    try {
      const storeId = uniqueStoreId("limited");
      const other = uniqueStoreId("other");
      await stockStore(config.table, storeId, { "ESP-001": 10 });
      await stockStore(config.table, other, { "ESP-001": 10 });
      const change = (store: string) => postJson(limited.app, "/api/inventory/update", { storeId: store, sku: "ESP-001", mode: "adjust", quantity: 1, reason: "r" }, operator);
      expect((await change(storeId)).status).toBe(200);
      expect((await change(storeId)).status).toBe(200);
      const refused = await change(storeId);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await body(refused)).toMatchObject({ error: { code: "RATE_LIMITED" } });
      expect((await change(other)).status).toBe(200);
      expect((await ledger.storeStock(storeId))!.items[0]).toMatchObject({ onHand: 12 });

      const reserve = (orderId: string) =>
        postJson(limited.app, "/internal/reservations", { orderId, storeId, lines: [{ sku: "ESP-001", quantity: 1 }] });
      expect((await reserve(anOrderId())).status).toBe(200);
      const second = await reserve(anOrderId());
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBeTruthy();
    } finally {
      limited.close();
    }
  });
});

describe("POST /internal/reservations", () => {
  it("answers the outcome of a reservation, and 400 for a malformed one without holding anything", async () => {
    const storeId = uniqueStoreId("internal");
    await stockStore(config.table, storeId, { "ESP-001": 1 });
    const orderId = anOrderId();
    const res = await postJson(app, "/internal/reservations", { orderId, storeId, lines: [{ sku: "ESP-001", quantity: 2 }] });
    expect(await body(res)).toEqual({ outcome: "out-of-stock", sku: "ESP-001", requested: 2, available: 1 });
    for (const bad of [{ orderId: "nope", storeId, lines: [{ sku: "ESP-001", quantity: 1 }] }, { orderId, storeId, lines: [] }, { orderId, storeId, lines: [{ sku: "ESP-001", quantity: 0 }] }]) {
      expect((await postJson(app, "/internal/reservations", bad)).status).toBe(400);
    }
    expect((await ledger.storeStock(storeId))!.items[0]).toMatchObject({ reserved: 0, available: 1 });
    const committed = await postJson(app, `/internal/reservations/${orderId}/commit`, {});
    expect(await body(committed)).toEqual({ outcome: "not-found" });
  });
});

describe("the order service's client of the reservations (httpStockReservations)", () => {
  it("reserves and settles over HTTP against the real app, carrying the order's trace into the Inventory service", async () => {
    const { serve } = await import("@hono/node-server");
    const { httpStockReservations } = await import("@cloudcafe/adapters");
    const { withContext } = await import("@cloudcafe/observability");
    const server = await new Promise<{ close: () => void; port: number }>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve({ close: () => started.close(), port: info.port }));
    });
    try {
      const storeId = uniqueStoreId("client");
      await stockStore(config.table, storeId, { "ESP-001": 3 });
      const answeredTraces: (string | null)[] = [];
      const recordingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        answeredTraces.push(response.headers.get("traceparent"));
        return response;
      };
      const client = httpStockReservations({ baseUrl: `http://127.0.0.1:${server.port}`, fetch: recordingFetch });
      const traceId = "0af7651916cd43dd8448eb211c80319c";
      const orderId = anOrderId();
      const result = await withContext({ traceId }, () => client.reserve({ orderId, storeId, lines: [{ sku: "ESP-001", quantity: 2 }] }));
      expect(result).toMatchObject({ outcome: "reserved", replayed: false });
      expect(answeredTraces[0]?.split("-")[1]).toBe(traceId);
      await client.settle(orderId, "commit", "order paid");
      expect((await ledger.storeStock(storeId))!.items[0]).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    } finally {
      server.close();
    }
  });
});

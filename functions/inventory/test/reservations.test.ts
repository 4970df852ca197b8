import { afterAll, describe, expect, it } from "vitest";
import { streamEventSourceMappings } from "@cloudcafe/catalog";
import { startCatalogStreamPoller } from "@cloudcafe/local/event-source/stream-mappings";
import { localPlatform, useLocalEnv } from "@cloudcafe/local/testing/env";
import { anOrderId, applyToCounters, inventoryFixture, stockStore, streamRecords, uniqueStoreId } from "./support.ts";

useLocalEnv();
const platform = localPlatform();
const fixture = await inventoryFixture();
const { service, ledger, counters, config } = fixture;
// The deployed consumer, polled as `npm start` polls it: the catalog's mapping over DynamoDB Local's Streams API.
const { handler } = await import("../src/events/stock-stream.ts");
const poller = startCatalogStreamPoller({
  spec: streamEventSourceMappings.inventoryCounters,
  handler,
  endpoints: platform.endpoints,
  resources: platform.resources,
  overrides: { idlePollMs: 50 },
});
afterAll(async () => {
  await poller.stop();
  fixture.close();
});

const levelOf = async (storeId: string, sku: string) => (await ledger.storeStock(storeId))!.items.find((item) => item.sku === sku)!;

describe("stock reservations on DynamoDB", () => {
  it("lets exactly 50 of 200 concurrent one-unit reservations take 50 in stock, and the counters match the table once the stream drains", async () => {
    const storeId = uniqueStoreId("rush");
    await stockStore(config.table, storeId, { "ESP-001": 50 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => service.reserve({ orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 1 }] })),
    );
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === "reserved")).toHaveLength(50);
    expect(outcomes.filter((outcome) => outcome === "out-of-stock")).toHaveLength(150);
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 50, reserved: 50, available: 0 });

    await poller.caughtUp(30_000);
    const table = await ledger.storeStock(storeId);
    expect(await counters.storeStock(storeId)).toEqual(table);
  });

  it("changes nothing when a stream batch is replayed, or delivered again out of order", async () => {
    const storeId = uniqueStoreId("replay");
    await stockStore(config.table, storeId, { "ESP-001": 10, "BAK-001": 5 });
    await service.reserve({ orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 3 }] });
    await service.updateStock({ storeId, sku: "BAK-001", mode: "adjust", quantity: 7, reason: "delivery" });
    const records = await streamRecords(config.table);
    await applyToCounters(records, counters);
    const drained = await counters.storeStock(storeId);
    expect(drained).toEqual(await ledger.storeStock(storeId));

    const mine = records.filter((record) => JSON.stringify(record.dynamodb?.Keys).includes(storeId));
    expect(mine.length).toBeGreaterThan(3);
    expect(await applyToCounters(mine, counters)).toEqual([]);
    expect(await applyToCounters([...mine].reverse(), counters)).toEqual([]);
    expect(await counters.storeStock(storeId)).toEqual(drained);
  });

  it("reads a store's stock in SKU order from MemoryDB, as the table sorts it, whatever order the shards delivered the rows in", async () => {
    // A store only these changes write (not in the table, so the background poller never touches it).
    const storeId = uniqueStoreId("delivery-order");
    const row = (sku: string, onHand: number) => ({ storeId, sku, onHand, reserved: 0, available: onHand, version: 1 });
    await counters.apply({ kind: "store", row: { storeId, status: "open", version: 1 }, sequenceNumber: "1" });
    await counters.apply({ kind: "stock", row: row("TEA-001", 3), sequenceNumber: "2" });
    await counters.apply({ kind: "stock", row: row("BAK-001", 2), sequenceNumber: "3" });
    await counters.apply({ kind: "stock", row: row("ESP-001", 1), sequenceNumber: "4" });
    expect((await counters.storeStock(storeId))!.items.map((item) => item.sku)).toEqual(["BAK-001", "ESP-001", "TEA-001"]);
  });

  it("reserves every line of an order or none, and answers the same reservation when the order asks again", async () => {
    const storeId = uniqueStoreId("all-or-none");
    await stockStore(config.table, storeId, { "ESP-001": 5, "BAK-001": 1 });
    const orderId = anOrderId();
    const refused = await service.reserve({ orderId, storeId, lines: [{ sku: "ESP-001", quantity: 2 }, { sku: "BAK-001", quantity: 2 }] });
    expect(refused).toEqual({ outcome: "out-of-stock", sku: "BAK-001", requested: 2, available: 1 });
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ reserved: 0, available: 5 });

    const request = { orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 1 }, { sku: "ESP-001", quantity: 1 }, { sku: "BAK-001", quantity: 1 }] };
    expect(await service.reserve(request)).toMatchObject({ outcome: "reserved", replayed: false });
    expect(await service.reserve(request)).toMatchObject({ outcome: "reserved", replayed: true });
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
  });

  it("refuses a SKU the store does not stock and a closed store, holding nothing", async () => {
    const storeId = uniqueStoreId("closed");
    await stockStore(config.table, storeId, { "ESP-001": 5 }, "closed");
    expect(await service.reserve({ orderId: anOrderId(), storeId, lines: [{ sku: "ESP-001", quantity: 1 }] })).toEqual({
      outcome: "store-unavailable",
      storeId,
      reason: "closed",
    });
    const open = uniqueStoreId("open");
    await stockStore(config.table, open, { "ESP-001": 5 });
    expect(await service.reserve({ orderId: anOrderId(), storeId: open, lines: [{ sku: "TEA-001", quantity: 1 }] })).toMatchObject({
      outcome: "out-of-stock",
      sku: "TEA-001",
      available: 0,
    });
    expect(await levelOf(open, "ESP-001")).toMatchObject({ reserved: 0 });
  });

  it("commits once when paid and releases once when not, whatever the redeliveries", async () => {
    const storeId = uniqueStoreId("settle");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    const paid = anOrderId();
    const failed = anOrderId();
    await service.reserve({ orderId: paid, storeId, lines: [{ sku: "ESP-001", quantity: 2 }] });
    await service.reserve({ orderId: failed, storeId, lines: [{ sku: "ESP-001", quantity: 3 }] });
    expect(await service.commit(paid)).toEqual({ outcome: "committed" });
    expect(await service.commit(paid)).toEqual({ outcome: "already-committed" });
    expect(await service.release(failed, "payment failed")).toEqual({ outcome: "released" });
    expect(await service.release(failed, "payment failed")).toEqual({ outcome: "already-released" });
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
  });

  it("returns a committed order's units once when the store cancels it, and releases one still held instead", async () => {
    const storeId = uniqueStoreId("return");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    const made = anOrderId();
    const unpaid = anOrderId();
    await service.reserve({ orderId: made, storeId, lines: [{ sku: "ESP-001", quantity: 2 }] });
    await service.reserve({ orderId: unpaid, storeId, lines: [{ sku: "ESP-001", quantity: 1 }] });
    await service.commit(made);
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 8, reserved: 1, available: 7 });
    const returns = await Promise.all([1, 2, 3].map(() => service.returnStock(made, "cancelled by the store")));
    expect(returns.map((r) => r.outcome).sort()).toEqual(["already-returned", "already-returned", "returned"]);
    expect(await service.returnStock(unpaid, "cancelled by the store")).toEqual({ outcome: "released" });
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(await service.commit(made)).toEqual({ outcome: "already-committed" });
    expect(await service.returnStock(anOrderId(), "never reserved")).toEqual({ outcome: "not-found" });
  });

  it("refuses a reservation for an order already released, so a late redelivery cannot hold stock", async () => {
    const storeId = uniqueStoreId("late");
    await stockStore(config.table, storeId, { "ESP-001": 10 });
    const orderId = anOrderId();
    expect(await service.release(orderId, "order rejected")).toEqual({ outcome: "not-found" });
    expect(await service.reserve({ orderId, storeId, lines: [{ sku: "ESP-001", quantity: 1 }] })).toMatchObject({ outcome: "closed" });
    expect(await levelOf(storeId, "ESP-001")).toMatchObject({ reserved: 0, available: 10 });
  });
});

describe("the reservation sweeper", () => {
  it("releases a reservation past its timeout and leaves a fresh one held", async () => {
    let now = new Date("2026-01-01T10:00:00Z");
    const timed = await inventoryFixture({ clock: () => now, reservationTimeoutMs: 15 * 60_000 });
    try {
      const storeId = uniqueStoreId("sweep");
      await stockStore(config.table, storeId, { "ESP-001": 10 });
      const stale = anOrderId();
      await timed.service.reserve({ orderId: stale, storeId, lines: [{ sku: "ESP-001", quantity: 4 }] });
      now = new Date("2026-01-01T10:10:00Z");
      const fresh = anOrderId();
      await timed.service.reserve({ orderId: fresh, storeId, lines: [{ sku: "ESP-001", quantity: 1 }] });

      now = new Date("2026-01-01T10:16:00Z");
      expect(await timed.service.releaseExpired()).toBeGreaterThanOrEqual(1);
      expect(await levelOf(storeId, "ESP-001")).toMatchObject({ onHand: 10, reserved: 1, available: 9 });
      expect(await timed.service.commit(stale)).toEqual({ outcome: "expired" });
      expect(await timed.service.commit(fresh)).toEqual({ outcome: "committed" });
    } finally {
      timed.close();
    }
  });
});

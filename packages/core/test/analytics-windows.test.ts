import { describe, expect, it } from "vitest";
import { reconcilePaidTotals, ShardWindows, toAnalyticsEvent, type AnalyticsEvent } from "../src/index.ts";

const MINUTE = 60_000;
const base = Date.UTC(2026, 11, 2, 7, 0, 0);
const settings = { windowMs: MINUTE, allowedLatenessMs: 2 * MINUTE };

function paid(id: string, atMs: number, totalCents = 500, storeId = "store-1"): AnalyticsEvent {
  return { eventId: id, type: "OrderPaid", orderId: `o-${id}`, storeId, occurredAt: new Date(atMs).toISOString(), totalCents, items: [{ sku: "ESP-003", category: "espresso", quantity: 1, amountCents: totalCents }] };
}

describe("ShardWindows", () => {
  it("counts an event once per window, on event time, and late ones within the lateness in their own window", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    expect(windows.add(paid("a", base + 5_000), "1")).toBe("counted");
    expect(windows.add(paid("b", base + 2 * MINUTE + 59_000), "2")).toBe("counted");
    expect(windows.add(paid("a", base + 5_000), "3")).toBe("duplicate");
    // Watermark at 07:02:59: minute 07:00 ends at 07:01, plus 2 minutes lateness is 07:03: still open.
    expect(windows.add(paid("c", base + 30_000, 700), "4")).toBe("counted");
    const minute0 = windows.changed().find(({ window }) => window.windowStartMs === base)!.window;
    expect(minute0).toMatchObject({ ordersPaid: 2, revenueCents: 1_200, items: [{ sku: "ESP-003", quantity: 2, revenueCents: 1_200 }] });
  });

  it("refuses an event whose window ended more than the allowed lateness before the newest event seen", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    windows.add(paid("a", base + 3 * MINUTE), "1");
    expect(windows.isTooLate(paid("b", base + 59_000))).toBe(true);
    expect(windows.add(paid("b", base + 59_000), "2")).toBe("too-late");
    expect(windows.isTooLate(paid("c", base + MINUTE + 1_000))).toBe(false);
  });

  it("checkpoints before the oldest window it still holds, with the watermark there, and past it once it is written and closed", () => {
    const windows = new ShardWindows(settings, { afterSequenceNumber: "0", watermarkMs: 10 });
    windows.add(paid("a", base), "1");
    windows.add(paid("b", base + MINUTE), "2");
    expect(windows.checkpoint()).toEqual({ afterSequenceNumber: "0", watermarkMs: 10, closedThroughMs: 0 });
    windows.add(paid("c", base + 4 * MINUTE), "3");
    // Minutes 0 and 1 are past their lateness but not written yet: still held, so the checkpoint stays.
    expect(windows.checkpoint()).toEqual({ afterSequenceNumber: "0", watermarkMs: 10, closedThroughMs: 0 });
    windows.written(windows.changed());
    expect(windows.openWindows).toBe(1);
    // Minute 1 closed at 07:04 (its end plus 2 minutes) and is let go with minute 0.
    expect(windows.checkpoint()).toEqual({ afterSequenceNumber: "2", watermarkMs: base + MINUTE, closedThroughMs: base + 4 * MINUTE });
  });

  it("replays from a checkpoint past the first records of a window written final without counting or writing its later ones", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    windows.add(paid("a", base + 10_000), "1");
    windows.add(paid("b", base + 20_000), "2");
    // Minute 1's first event is on the stream before minute 0's last one.
    windows.add(paid("c", base + MINUTE + 1_000), "3");
    windows.add(paid("d", base + 50_000), "4");
    windows.add(paid("e", base + 3 * MINUTE + 30_000), "5");
    windows.written(windows.changed());
    expect(windows.openWindows).toBe(2);
    const checkpoint = windows.checkpoint();
    expect(checkpoint).toEqual({ afterSequenceNumber: "2", watermarkMs: base + 20_000, closedThroughMs: base + 3 * MINUTE });

    const replay = new ShardWindows(settings, checkpoint);
    expect(replay.add(paid("c", base + MINUTE + 1_000), "3")).toBe("counted");
    expect(replay.add(paid("d", base + 50_000), "4")).toBe("duplicate");
    expect(replay.add(paid("e", base + 3 * MINUTE + 30_000), "5")).toBe("counted");
    expect(replay.changed().map(({ window }) => [window.windowStartMs, window.ordersPaid])).toEqual([
      [base + MINUTE, 1],
      [base + 3 * MINUTE, 1],
    ]);
  });

  it("lets no window go while an older one is still to be written, so what a checkpoint calls closed was all written", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    windows.add(paid("a", base), "1");
    windows.add(paid("b", base + MINUTE), "2");
    const inFlight = windows.changed();
    // Counted while the write is under way, then the watermark moves past both minutes' lateness.
    windows.add(paid("c", base + 30_000), "3");
    windows.add(paid("d", base + 5 * MINUTE), "4");
    windows.written(inFlight);
    expect(windows.checkpoint()).toEqual({ watermarkMs: 0, closedThroughMs: 0 });
    windows.written(windows.changed());
    expect(windows.checkpoint()).toEqual({ afterSequenceNumber: "3", watermarkMs: base + MINUTE, closedThroughMs: base + 4 * MINUTE });
  });

  it("keeps a window changed while it was being written dirty, so the next write carries the change", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    windows.add(paid("a", base), "1");
    const inFlight = windows.changed();
    windows.add(paid("b", base + 1_000), "2");
    windows.written(inFlight);
    expect(windows.changed().map(({ window }) => window.ordersPaid)).toEqual([2]);
  });
});

describe("toAnalyticsEvent", () => {
  it("keeps the order event's id, store and event time and gives each item its menu category", () => {
    const event = toAnalyticsEvent(
      {
        eventId: "e-1",
        type: "OrderCreated",
        occurredAt: "2026-12-02T07:00:00.000Z",
        order: { orderId: "ord_1", storeId: "store-1", totalCents: 950 },
        items: [
          { sku: "ESP-003", quantity: 2, lineTotalCents: 900 },
          { sku: "ZZZ-999", quantity: 1, lineTotalCents: 50 },
        ],
      },
      (sku) => (sku === "ESP-003" ? "espresso" : undefined),
    );
    const preparing = toAnalyticsEvent({ eventId: "e-2", type: "OrderPreparing", occurredAt: "2026-12-02T07:01:00.000Z", order: { orderId: "ord_1", storeId: "store-1", totalCents: 950 }, items: [] }, () => undefined);
    expect(preparing).toBeUndefined();
    expect(event).toEqual({
      eventId: "e-1",
      type: "OrderPlaced",
      orderId: "ord_1",
      storeId: "store-1",
      occurredAt: "2026-12-02T07:00:00.000Z",
      totalCents: 950,
      items: [
        { sku: "ESP-003", category: "espresso", quantity: 2, amountCents: 900 },
        { sku: "ZZZ-999", category: "uncategorized", quantity: 1, amountCents: 50 },
      ],
    });
  });
});

describe("reconcilePaidTotals", () => {
  it("names every store whose paid orders or revenue differ, including stores only one side knows", () => {
    const mismatches = reconcilePaidTotals(
      [
        { storeId: "a", ordersPaid: 2, revenueCents: 1_000 },
        { storeId: "b", ordersPaid: 2, revenueCents: 900 },
        { storeId: "c", ordersPaid: 1, revenueCents: 100 },
      ],
      [
        { storeId: "a", ordersPaid: 2, revenueCents: 1_000 },
        { storeId: "b", ordersPaid: 2, revenueCents: 1_000 },
        { storeId: "d", ordersPaid: 1, revenueCents: 50 },
      ],
    );
    expect(mismatches.map((mismatch) => mismatch.storeId)).toEqual(["b", "c", "d"]);
    expect(mismatches[1]).toEqual({ storeId: "c", warehouse: { ordersPaid: 1, revenueCents: 100 }, orders: { ordersPaid: 0, revenueCents: 0 } });
  });
});

describe("ShardWindows at the end of a shard", () => {
  it("lets every window go once written, and checkpoints after the last record with the shard's own watermark", () => {
    const windows = new ShardWindows(settings, { watermarkMs: 0 });
    windows.add(paid("a", base), "1");
    windows.add(paid("b", base + 30_000), "2");
    windows.finish();
    windows.written(windows.changed());
    expect(windows.openWindows).toBe(0);
    expect(windows.checkpoint()).toEqual({ afterSequenceNumber: "2", watermarkMs: base + 30_000, closedThroughMs: base + 3 * MINUTE });
  });
});

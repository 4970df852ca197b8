import type { AnalyticsEvent, ItemSales, StoreWindow } from "./schema.ts";
import { windowStartOf } from "./schema.ts";

/**
 * One shard's tumbling windows per store, on event time, as a pure state machine the worker feeds record by record.
 *
 * The watermark is the latest event time the shard has seen. A window stays in memory until the watermark passes its
 * end plus the allowed lateness (a late event until then updates it); an event for a window past that is too late:
 * reported, never counted. Everything depends only on the records and the watermark the shard started with, so
 * replaying a shard from a checkpoint (its position and the watermark there) repeats every decision exactly.
 *
 * The checkpoint never passes a window still in memory: it is the position just before the first record of the
 * oldest one, with the watermark there. A crash loses only windows that replay then rebuilds from all their records,
 * and a rewrite of a written window replaces it (per store, window and shard), so nothing is counted twice.
 *
 * A window already written final and let go can still have records past the checkpoint: its last events may follow
 * the first record of a newer window on the stream (a store's events come from several `order-events` shards). A
 * replay would rebuild it from those records alone and replace the whole window with them, so the checkpoint also
 * carries `closedThroughMs`, the instant through which every window that closed was written final and let go; a
 * replayed event of such a window is in the warehouse already and is passed over as a duplicate.
 */

export interface WindowSettings {
  windowMs: number;
  allowedLatenessMs: number;
}

/** Where a shard resumes: after this sequence number (from its start without one), with this watermark. */
export interface ShardPosition {
  afterSequenceNumber?: string;
  watermarkMs: number;
  /**
   * Every window closing (its end plus the allowed lateness) at or before this instant was written final and let go
   * before this position was checkpointed; absent (nothing closed yet) it is 0.
   */
  closedThroughMs?: number;
}

export type AddOutcome = "counted" | "duplicate" | "too-late";

interface OpenWindow extends StoreWindow {
  /** Where to resume to see every record of this window again. */
  resume: ShardPosition;
  eventIds: Set<string>;
  itemsBySku: Map<string, ItemSales>;
  /** Bumped by every counted event; what was written is remembered, so a write racing an event leaves it dirty. */
  version: number;
  writtenVersion: number;
}

export class ShardWindows {
  private readonly windows = new Map<string, OpenWindow>();
  private position: Omit<ShardPosition, "closedThroughMs">;
  private closedThroughMs: number;
  /** The shard has ended: every window is final, whatever the watermark. */
  private ended = false;

  constructor(
    private readonly settings: WindowSettings,
    { closedThroughMs = 0, ...start }: ShardPosition,
  ) {
    this.position = start;
    this.closedThroughMs = closedThroughMs;
  }

  get watermarkMs(): number {
    return this.position.watermarkMs;
  }

  /** Where reading stands: after the last record given to `add` or `skip`. */
  get readPosition(): ShardPosition {
    return { ...this.position };
  }

  /** Whether `add` would refuse this event as past the allowed lateness (so it can be reported first). */
  isTooLate(event: AnalyticsEvent): boolean {
    return this.isExpired(windowStartOf(Date.parse(event.occurredAt), this.settings.windowMs), this.position.watermarkMs);
  }

  /** Counts one record's event in its store's window (in record order); the shard moves past it whatever the outcome. */
  add(event: AnalyticsEvent, sequenceNumber: string): AddOutcome {
    const before = this.position;
    const eventMs = Date.parse(event.occurredAt);
    const windowStartMs = windowStartOf(eventMs, this.settings.windowMs);
    this.position = { afterSequenceNumber: sequenceNumber, watermarkMs: Math.max(before.watermarkMs, eventMs) };
    const key = `${event.storeId}|${windowStartMs}`;
    // Decided by the watermark alone, not by whether the window is still held: a replay decides the same.
    if (this.isExpired(windowStartMs, before.watermarkMs)) return "too-late";
    // Only a replay gets here: this event was counted in the window's final write before the checkpoint.
    if (this.closesAt(windowStartMs) <= this.closedThroughMs) return "duplicate";
    let window = this.windows.get(key);
    if (!window) {
      window = {
        storeId: event.storeId,
        windowStartMs,
        ordersPlaced: 0,
        ordersPaid: 0,
        revenueCents: 0,
        items: [],
        resume: before,
        eventIds: new Set(),
        itemsBySku: new Map(),
        version: 0,
        writtenVersion: 0,
      };
      this.windows.set(key, window);
    }
    if (window.eventIds.has(event.eventId)) return "duplicate";
    window.eventIds.add(event.eventId);
    count(window, event);
    window.version += 1;
    return "counted";
  }

  /** Marks every record up to `sequenceNumber` as seen without an event (a record that is not one). */
  skip(sequenceNumber: string): void {
    this.position = { ...this.position, afterSequenceNumber: sequenceNumber };
  }

  /** Windows changed since they were last written, as snapshots tagged with the version they hold. */
  changed(): { window: StoreWindow; version: number }[] {
    return [...this.windows.values()]
      .filter((window) => !this.isWritten(window))
      .map((window) => ({ window: snapshot(window), version: window.version }));
  }

  /**
   * After a successful write: those versions are in the warehouse; windows past their lateness are let go, minute by
   * minute from the oldest, and only while every window of the minute is final and written, so that `closedThroughMs`
   * covers exactly the windows let go (a window written since its last event, but behind one that is not, waits).
   */
  written(snapshots: readonly { window: StoreWindow; version: number }[]): void {
    for (const { window, version } of snapshots) {
      const open = this.windows.get(`${window.storeId}|${window.windowStartMs}`);
      if (open && open.writtenVersion < version) open.writtenVersion = version;
    }
    const byMinute = new Map<number, string[]>();
    for (const [key, window] of this.windows) {
      const keys = byMinute.get(window.windowStartMs) ?? [];
      byMinute.set(window.windowStartMs, keys);
      keys.push(key);
    }
    for (const [windowStartMs, keys] of [...byMinute].sort(([a], [b]) => a - b)) {
      const final = this.ended || this.isExpired(windowStartMs, this.position.watermarkMs);
      if (!final || !keys.every((key) => this.isWritten(this.windows.get(key)!))) break;
      for (const key of keys) this.windows.delete(key);
      this.closedThroughMs = Math.max(this.closedThroughMs, this.closesAt(windowStartMs));
    }
  }

  /**
   * At the end of a shard every window is final: the next call to `written` lets them all go. The watermark stays the
   * shard's own, which its children start from.
   */
  finish(): void {
    this.ended = true;
  }

  /**
   * The position to checkpoint: before the oldest window still held, or after the last record when none is; with the
   * instant through which the windows that closed are written final.
   */
  checkpoint(): ShardPosition {
    let oldest: ShardPosition | undefined;
    // Windows are created in record order, so the first one held is the one that started earliest in the shard.
    for (const window of this.windows.values()) {
      oldest = window.resume;
      break;
    }
    return { ...(oldest ?? this.position), closedThroughMs: this.closedThroughMs };
  }

  get openWindows(): number {
    return this.windows.size;
  }

  private isExpired(windowStartMs: number, watermarkMs: number): boolean {
    return this.closesAt(windowStartMs) <= watermarkMs;
  }

  private isWritten(window: OpenWindow): boolean {
    return window.version === window.writtenVersion;
  }

  /** The watermark at which a window closes: no event counts in it any more. */
  private closesAt(windowStartMs: number): number {
    return windowStartMs + this.settings.windowMs + this.settings.allowedLatenessMs;
  }
}

function count(window: OpenWindow, event: AnalyticsEvent): void {
  if (event.type === "OrderPlaced") window.ordersPlaced += 1;
  if (event.type !== "OrderPaid") return;
  window.ordersPaid += 1;
  window.revenueCents += event.totalCents;
  for (const item of event.items) {
    const sales = window.itemsBySku.get(item.sku) ?? { sku: item.sku, category: item.category, quantity: 0, revenueCents: 0 };
    sales.quantity += item.quantity;
    sales.revenueCents += item.amountCents;
    window.itemsBySku.set(item.sku, sales);
  }
}

function snapshot(window: OpenWindow): StoreWindow {
  return {
    storeId: window.storeId,
    windowStartMs: window.windowStartMs,
    ordersPlaced: window.ordersPlaced,
    ordersPaid: window.ordersPaid,
    revenueCents: window.revenueCents,
    items: [...window.itemsBySku.values()].map((item) => ({ ...item })).sort((a, b) => a.sku.localeCompare(b.sku)),
  };
}

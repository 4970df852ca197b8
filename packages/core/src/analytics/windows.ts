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
 */

export interface WindowSettings {
  windowMs: number;
  allowedLatenessMs: number;
}

/** Where a shard resumes: after this sequence number (from its start without one), with this watermark. */
export interface ShardPosition {
  afterSequenceNumber?: string;
  watermarkMs: number;
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
  private position: ShardPosition;
  /** The shard has ended: every window is final, whatever the watermark. */
  private ended = false;

  constructor(
    private readonly settings: WindowSettings,
    start: ShardPosition,
  ) {
    this.position = { ...start };
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
      .filter((window) => window.version !== window.writtenVersion)
      .map((window) => ({ window: snapshot(window), version: window.version }));
  }

  /** After a successful write: those versions are in the warehouse; windows past their lateness are let go. */
  written(snapshots: readonly { window: StoreWindow; version: number }[]): void {
    for (const { window, version } of snapshots) {
      const open = this.windows.get(`${window.storeId}|${window.windowStartMs}`);
      if (open && open.writtenVersion < version) open.writtenVersion = version;
    }
    for (const [key, window] of this.windows) {
      const final = this.ended || this.isExpired(window.windowStartMs, this.position.watermarkMs);
      if (window.version === window.writtenVersion && final) this.windows.delete(key);
    }
  }

  /**
   * At the end of a shard every window is final: the next call to `written` lets them all go. The watermark stays the
   * shard's own, which its children start from.
   */
  finish(): void {
    this.ended = true;
  }

  /** The position to checkpoint: before the oldest window still held, or after the last record when none is. */
  checkpoint(): ShardPosition {
    let oldest: ShardPosition | undefined;
    // Windows are created in record order, so the first one held is the one that started earliest in the shard.
    for (const window of this.windows.values()) {
      oldest = window.resume;
      break;
    }
    return { ...(oldest ?? this.position) };
  }

  get openWindows(): number {
    return this.windows.size;
  }

  private isExpired(windowStartMs: number, watermarkMs: number): boolean {
    return windowStartMs + this.settings.windowMs + this.settings.allowedLatenessMs <= watermarkMs;
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

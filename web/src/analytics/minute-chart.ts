import type { MinuteWindow } from "./analytics-client.ts";

export const MINUTE_MS = 60_000;

export interface ChartBox {
  width: number;
  height: number;
}

/** One bar of the chart: a minute with its paid orders and revenue (zero for minutes without orders). */
export interface MinuteBar {
  startMs: number;
  ordersPaid: number;
  revenueCents: number;
}

/** The last `minutes` whole minutes up to `nowMs`, oldest first, each with what the API reported for it. */
export function minuteBars(windows: readonly MinuteWindow[], nowMs: number, minutes: number): MinuteBar[] {
  const byStart = new Map(windows.map((window) => [Date.parse(window.windowStart), window]));
  const lastStart = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return Array.from({ length: minutes }, (_, index) => {
    const startMs = lastStart - (minutes - 1 - index) * MINUTE_MS;
    const window = byStart.get(startMs);
    return { startMs, ordersPaid: window?.ordersPaid ?? 0, revenueCents: window?.revenueCents ?? 0 };
  });
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Geometry of the chart: a bar per minute for the paid orders (scaled to the busiest minute) and a polyline through
 * the minutes' revenue (scaled to the best minute), so both read on one box.
 */
export function chartGeometry(bars: readonly MinuteBar[], box: ChartBox) {
  const slot = box.width / Math.max(1, bars.length);
  const maxOrders = Math.max(1, ...bars.map((bar) => bar.ordersPaid));
  const maxRevenue = Math.max(1, ...bars.map((bar) => bar.revenueCents));
  return {
    bars: bars.map((bar, index) => {
      const height = round1((bar.ordersPaid / maxOrders) * box.height);
      return { x: round1(index * slot + slot * 0.1), width: round1(slot * 0.8), y: round1(box.height - height), height };
    }),
    revenueLine: bars.map((bar, index) => `${round1(index * slot + slot / 2)},${round1(box.height - (bar.revenueCents / maxRevenue) * box.height)}`).join(" "),
    maxOrders,
    maxRevenue,
  };
}

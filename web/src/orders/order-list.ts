import type { Order } from "../api/types.ts";
import { type TrackOutcome, isFinal } from "./tracking.ts";

/** An order placed from this console, with the trace that created it (payment logs carry the same trace id). */
export interface TrackedOrder {
  order: Order;
  traceId: string;
  /** The server returned an order it had already created for this idempotency key. */
  replayed: boolean;
  tracking: "polling" | TrackOutcome;
  lastError?: string;
}

/** Newest first. An order already listed (a replayed create) is updated in place and keeps its creating trace. */
export function addOrder(orders: readonly TrackedOrder[], entry: TrackedOrder): TrackedOrder[] {
  if (orders.some((tracked) => tracked.order.orderId === entry.order.orderId)) return applyOrderRead(orders, entry.order);
  return [entry, ...orders];
}

/** Applies a successful read of an order, ignoring reads older than what is shown (polls can overtake each other). */
export function applyOrderRead(orders: readonly TrackedOrder[], order: Order): TrackedOrder[] {
  return orders.map((tracked) =>
    tracked.order.orderId === order.orderId && order.version >= tracked.order.version ? { ...tracked, order, lastError: undefined } : tracked,
  );
}

/**
 * The list for one customer: their orders already listed (keeping the trace that created them here), updated by the
 * server's history, plus the history's orders not listed yet. Another customer's orders leave the list, so the
 * timeline shown is always the signed-in customer's.
 */
export function customerTimeline(orders: readonly TrackedOrder[], customerId: string, history: readonly Order[]): TrackedOrder[] {
  let timeline = orders.filter((tracked) => tracked.order.customerId === customerId);
  for (const order of history) {
    if (order.customerId !== customerId) continue;
    timeline = timeline.some((tracked) => tracked.order.orderId === order.orderId)
      ? applyOrderRead(timeline, order)
      : [...timeline, { order, traceId: "", replayed: false, tracking: isFinal(order.status) ? "settled" : "polling" }];
  }
  return timeline;
}

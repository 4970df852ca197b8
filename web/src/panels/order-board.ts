import type { ApiClient } from "../api/client.ts";
import type { Order, Store } from "../api/types.ts";
import { type TrackedOrder, addOrder, applyOrderRead, customerTimeline, setTracking } from "../orders/order-list.ts";
import { type OrderStorage, loadOrders, saveOrders } from "../orders/saved-orders.ts";
import { isFinal, trackOrder } from "../orders/tracking.ts";
import { createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { ordersView } from "../views/orders.ts";

export interface OrderBoard {
  element: HTMLElement;
  /** Shows a placed order and follows it until payment settles it. */
  add(order: Order, traceId: string, replayed: boolean): void;
  /**
   * Shows the signed-in customer's timeline: their orders listed here, updated by the server's history, plus those
   * placed from another tab or device; another customer's orders leave the list and are no longer followed.
   */
  showCustomer(customerId: string, history: readonly Order[], older?: () => Promise<void>): void;
}

/**
 * How the list follows an order: fast at first (payment takes well under a second locally), backing off to a read
 * every 3 s while the barista works, until the order is collected or failed; about ten minutes in all.
 */
const FOLLOW = { intervalMs: 250, maxIntervalMs: 3_000, maxReads: 200, until: isFinal } as const;

const STATUS_WORDS: Record<Order["status"], string> = {
  PENDING: "pending",
  PAID: "paid",
  PAYMENT_FAILED: "payment failed",
  REJECTED: "rejected",
  PREPARING: "being prepared",
  READY: "ready for pickup",
  COLLECTED: "collected",
  CANCELLED: "cancelled by the store; refund on its way",
  REFUNDED: "refunded",
};

/** The signed-in customer's orders, placed here or elsewhere; `announce` tells screen readers when one settles (the list itself re-renders). */
export function orderBoard(client: ApiClient, stores: readonly Store[], storage: OrderStorage, announce: (message: string) => void): OrderBoard {
  const orders = createStore<TrackedOrder[]>(loadOrders(storage));
  const element = h("div");
  const list = h("div");
  // The history is paged (newest first): older pages are read on request.
  const more = h("div");
  element.append(list, more);
  let older: (() => Promise<void>) | undefined;
  function showMore() {
    replaceContent(
      more,
      older &&
        h("button", {
          type: "button",
          "data-focus": "older-orders",
          onclick: () => {
            const load = older;
            older = undefined;
            showMore();
            // The button is gone while the page loads: focus goes to the list that grows.
            list.querySelector<HTMLElement>(".orders")?.focus();
            void load?.();
          },
        }, "Show older orders"),
    );
  }
  orders.subscribe((current) => {
    replaceContent(list, ordersView(current, stores));
    saveOrders(storage, current);
  });
  replaceContent(list, ordersView(orders.get(), stores));

  const following = new Map<string, AbortController>();
  async function follow(orderId: string) {
    if (following.has(orderId)) return;
    const stop = new AbortController();
    following.set(orderId, stop);
    let lastStatus = orders.get().find((tracked) => tracked.order.orderId === orderId)?.order.status;
    const outcome = await trackOrder(client, orderId, {
      ...FOLLOW,
      signal: stop.signal,
      onUpdate: (order) => {
        orders.update((current) => applyOrderRead(current, order));
        if (order.status !== lastStatus) announce(`Order ${order.orderId} ${STATUS_WORDS[order.status]}.`);
        lastStatus = order.status;
      },
      onError: (error) => orders.update((current) => setTracking(current, orderId, "polling", describeError(error))),
    });
    if (following.get(orderId) === stop) following.delete(orderId);
    orders.update((current) => setTracking(current, orderId, outcome));
  }

  // Orders restored from before a reload that were still being followed are followed again.
  for (const tracked of orders.get()) {
    if (!isFinal(tracked.order.status) && tracked.tracking !== "not-found") void follow(tracked.order.orderId);
  }

  return {
    element,
    add(order, traceId, replayed) {
      const final = isFinal(order.status);
      orders.update((current) => addOrder(current, { order, traceId, replayed, tracking: final ? "settled" : "polling" }));
      if (!final) void follow(order.orderId);
    },
    showCustomer(customerId, history, loadOlder) {
      orders.update((current) => customerTimeline(current, customerId, history));
      older = loadOlder;
      showMore();
      const shown = new Set(orders.get().map((tracked) => tracked.order.orderId));
      for (const [orderId, stop] of following) if (!shown.has(orderId)) stop.abort();
      for (const tracked of orders.get()) if (!isFinal(tracked.order.status) && tracked.tracking !== "not-found") void follow(tracked.order.orderId);
    },
  };
}

import type { ApiClient } from "../api/client.ts";
import type { Order, Store } from "../api/types.ts";
import { type TrackedOrder, addOrder, applyOrderRead, setTracking } from "../orders/order-list.ts";
import { type OrderStorage, loadOrders, saveOrders } from "../orders/saved-orders.ts";
import { isSettled, trackOrder } from "../orders/tracking.ts";
import { createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { ordersView } from "../views/orders.ts";

export interface OrderBoard {
  element: HTMLElement;
  /** Shows a placed order and follows it until payment settles it. */
  add(order: Order, traceId: string, replayed: boolean): void;
}

const STATUS_WORDS: Record<Order["status"], string> = { PENDING: "pending", PAID: "paid", PAYMENT_FAILED: "payment failed", REJECTED: "rejected" };

/** The orders placed from this tab; `announce` tells screen readers when one settles (the list itself re-renders). */
export function orderBoard(client: ApiClient, stores: readonly Store[], storage: OrderStorage, announce: (message: string) => void): OrderBoard {
  const orders = createStore<TrackedOrder[]>(loadOrders(storage));
  const element = h("div");
  orders.subscribe((current) => {
    replaceContent(element, ordersView(current, stores));
    saveOrders(storage, current);
  });
  replaceContent(element, ordersView(orders.get(), stores));

  async function follow(orderId: string) {
    const outcome = await trackOrder(client, orderId, {
      onUpdate: (order) => {
        orders.update((current) => applyOrderRead(current, order));
        if (isSettled(order.status)) announce(`Order ${order.orderId} ${STATUS_WORDS[order.status]}.`);
      },
      onError: (error) => orders.update((current) => setTracking(current, orderId, "polling", describeError(error))),
    });
    orders.update((current) => setTracking(current, orderId, outcome));
  }

  // Orders restored from before a reload that were still being followed are followed again.
  for (const tracked of orders.get()) {
    if (!isSettled(tracked.order.status) && tracked.tracking === "polling") void follow(tracked.order.orderId);
  }

  return {
    element,
    add(order, traceId, replayed) {
      const settled = isSettled(order.status);
      orders.update((current) => addOrder(current, { order, traceId, replayed, tracking: settled ? "settled" : "polling" }));
      if (!settled) void follow(order.orderId);
    },
  };
}

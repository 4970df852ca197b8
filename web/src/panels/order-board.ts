import type { ApiClient } from "../api/client.ts";
import type { Order, Store } from "../api/types.ts";
import { pollHistory, type HistoryPoll } from "../orders/history-poll.ts";
import { type TrackedOrder, addOrder, customerTimeline } from "../orders/order-list.ts";
import { type OrderStorage, loadOrders, saveOrders } from "../orders/saved-orders.ts";
import { isFinal } from "../orders/tracking.ts";
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

/** Orders a history read shows: the first page here and in the console's sign-in, newest first. */
export const HISTORY_PAGE = 10;

/** Orders on the page just read are followed (or settled); a read error is shown on those still in flight. */
function markFollowed(list: readonly TrackedOrder[], page: readonly Order[]): TrackedOrder[] {
  const read = new Set(page.map((order) => order.orderId));
  return list.map((tracked) =>
    read.has(tracked.order.orderId) ? { ...tracked, tracking: isFinal(tracked.order.status) ? "settled" : "polling", lastError: undefined } : tracked,
  );
}

function withError(list: readonly TrackedOrder[], lastError: string): TrackedOrder[] {
  return list.map((tracked) => (isFinal(tracked.order.status) ? tracked : { ...tracked, lastError }));
}

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

  // One read of the customer's newest page per poll, however many of their orders are in flight.
  let customerId: string | undefined = orders.get()[0]?.order.customerId;
  let poll: HistoryPoll | undefined;
  let inFlight = false;
  const statusOf = (orderId: string) => orders.get().find((tracked) => tracked.order.orderId === orderId)?.order.status;
  function pollFor(customer: string) {
    poll?.stop();
    const current = (poll = pollHistory({
      read: async (signal) => (await client.listOrders(customer, { limit: HISTORY_PAGE }, signal)).data.orders,
      apply: (page) => {
        if (poll !== current) return;
        const before = new Map(page.map((order) => [order.orderId, statusOf(order.orderId)]));
        orders.update((list) => markFollowed(customerTimeline(list, customer, page), page));
        for (const order of page) {
          const was = before.get(order.orderId);
          if (was && was !== order.status) announce(`Order ${order.orderId} ${STATUS_WORDS[order.status]}.`);
        }
        inFlight = page.some((order) => !isFinal(order.status));
      },
      inFlight: () => inFlight,
      onError: (error) => orders.update((list) => withError(list, describeError(error))),
      onStop: (reason) => {
        if (reason === "idle") orders.update((list) => list.map((tracked) => (isFinal(tracked.order.status) ? tracked : { ...tracked, tracking: "gave-up" })));
      },
    }));
    return current;
  }
  /** Something happened for this customer: poll now and fast, starting a poll if none runs. */
  function follow(customer: string) {
    if (customer !== customerId || !poll) {
      customerId = customer;
      inFlight = true;
      pollFor(customer);
    } else {
      inFlight = true;
      poll.nudge();
    }
  }

  // Orders restored from before a reload that were still in flight are followed again.
  if (customerId && orders.get().some((tracked) => !isFinal(tracked.order.status))) follow(customerId);

  return {
    element,
    add(order, traceId, replayed) {
      const final = isFinal(order.status);
      orders.update((current) => addOrder(current, { order, traceId, replayed, tracking: final ? "settled" : "polling" }));
      if (!final) follow(order.customerId);
    },
    showCustomer(customer, history, loadOlder) {
      orders.update((current) => customerTimeline(current, customer, history));
      older = loadOlder;
      showMore();
      if (customer !== customerId) {
        poll?.stop();
        poll = undefined;
        customerId = customer;
      }
      if (history.some((order) => !isFinal(order.status))) follow(customer);
    },
  };
}

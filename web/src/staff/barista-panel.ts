import type { ApiClient } from "../api/client.ts";
import type { BaristaStage, Order, Store } from "../api/types.ts";
import type { OperatorTokenStore } from "../stress/operator-token.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { fieldError } from "../views/field-error.ts";
import { pickupNumber, pollStoreQueue } from "./queue-poller.ts";
import { storeChoice } from "./store-choice.ts";

/** The one action each queued status offers, and what it is called on the button. */
const NEXT: Partial<Record<Order["status"], { stage: BaristaStage; label: string }>> = {
  PAID: { stage: "PREPARING", label: "Start" },
  PREPARING: { stage: "READY", label: "Ready" },
  READY: { stage: "COLLECTED", label: "Collected" },
};

const STATUS_LABEL: Partial<Record<Order["status"], string>> = { PAID: "Waiting", PREPARING: "Preparing", READY: "Ready" };

function lineSummary(order: Order): string {
  return order.items.map((line) => `${line.quantity}× ${line.name} (${line.size}${line.options.length ? `, ${line.options.join(", ")}` : ""})`).join("; ");
}

function minutesAgo(iso: string): string {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60_000));
  return minutes === 0 ? "just now" : `${minutes} min ago`;
}

/** The barista's queue for one store, oldest first, with the one next step for each order (staff token). */
export function baristaPanel(client: ApiClient, stores: readonly Store[], tokens: OperatorTokenStore): HTMLElement {
  const list = h("div", { class: "queue", "aria-live": "off" });
  const message = h("div", { role: "status", class: "queue-message" });
  const choice = storeChoice(stores, () => poller.refresh());
  const tokenInput = h("input", { id: "staff-token", type: "password", autocomplete: "off", value: tokens.get() ?? "" });
  tokenInput.addEventListener("change", () => tokens.set(tokenInput.value));
  let shown: readonly Order[] = [];

  const say = (text: string, error = false) => replaceContent(message, h("p", { class: error ? "alert" : "muted", tabindex: -1, "data-focus-fallback": true }, text));

  async function advance(order: Order, stage: BaristaStage) {
    try {
      const { data } = await client.advanceOrder(order.orderId, stage);
      say(`Order ${pickupNumber(data.orderId)} is ${STATUS_LABEL[data.status]?.toLowerCase() ?? data.status.toLowerCase()}.`);
      // A collected order leaves the queue with its button: focus goes to what happened. Otherwise it stays on the
      // order's next step (the same button, relabelled), ready for the next press.
      if (!NEXT[data.status]) message.querySelector<HTMLElement>("[data-focus-fallback]")?.focus();
    } catch (error) {
      say(describeError(error), true);
      message.querySelector<HTMLElement>("[data-focus-fallback]")?.focus();
    }
    poller.refresh();
  }

  async function cancel(order: Order, reason: string) {
    try {
      const { data } = await client.cancelOrder(order.orderId, reason);
      say(`Order ${pickupNumber(data.orderId)} cancelled (${reason}); its refund is on its way.`);
    } catch (error) {
      say(describeError(error), true);
    }
    message.querySelector<HTMLElement>("[data-focus-fallback]")?.focus();
    poller.refresh();
  }

  /** Cancelling is two steps: open it, give the reason, confirm; the queue does not redraw under an open one. */
  function cancelControl(order: Order): HTMLElement {
    const id = `cancel-${order.orderId}`;
    const reason = h("input", { id: `${id}-reason`, name: "reason", required: true, maxlength: 200, value: "Out of an ingredient" });
    const form = h(
      "form",
      { class: "cancel-form", novalidate: true },
      h("label", { for: `${id}-reason` }, "Reason (the customer sees it)"),
      reason,
      h("button", { type: "submit" }, `Confirm cancel and refund`),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) return fieldError(reason, "Reason: the customer is told why; it cannot be empty.");
      details.open = false;
      void cancel(order, text);
    });
    const details = h("details", { class: "cancel", "data-keep": id }, h("summary", { "data-focus": id }, "Cancel…"), form);
    details.addEventListener("toggle", () => {
      if (!details.open && pending) render(pending);
    });
    return details;
  }

  let pending: readonly Order[] | undefined;
  function render(orders: readonly Order[]) {
    if (list.querySelector("details.cancel[open]")) {
      pending = orders;
      return;
    }
    pending = undefined;
    shown = orders;
    replaceContent(
      list,
      orders.length === 0
        ? h("p", { class: "muted", tabindex: -1, "data-focus-fallback": true }, "No paid orders waiting at this store.")
        : h(
            "ol",
            { class: "queue-list", "aria-label": "Orders, oldest first" },
            orders.map((order) => {
              const next = NEXT[order.status];
              return h(
                "li",
                { class: `queue-order queue-${order.status.toLowerCase()}` },
                h("h3", {}, `#${pickupNumber(order.orderId)}`, h("span", { class: `status status-${order.status.toLowerCase()}` }, STATUS_LABEL[order.status] ?? order.status)),
                h("p", {}, lineSummary(order)),
                h("p", { class: "muted" }, `${order.customerId} · paid ${minutesAgo(order.updatedAt)}`),
                next &&
                  h(
                    "button",
                    { type: "button", class: "primary", "data-focus": `next-${order.orderId}`, "aria-label": `${next.label}: order ${pickupNumber(order.orderId)}`, onclick: () => void advance(order, next.stage) },
                    next.label,
                  ),
                cancelControl(order),
              );
            }),
          ),
    );
  }

  const poller = pollStoreQueue(client, choice.value, render, (error) => say(`The queue did not load: ${describeError(error)}`, true));
  render(shown);
  return h(
    "div",
    { class: "barista" },
    h("div", { class: "staff-controls" }, choice.element, h("div", { class: "field" }, h("label", { for: "staff-token" }, "Staff (operator) token"), tokenInput)),
    message,
    list,
  );
}

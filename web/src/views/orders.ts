import type { Order, OrderStatus, Store } from "../api/types.ts";
import { formatCents } from "../money.ts";
import type { TrackedOrder } from "../orders/order-list.ts";
import { orderTimeline } from "../orders/timeline.ts";
import { h } from "./dom.ts";
import { traceLabel } from "./trace-label.ts";

const STATUS_TEXT: Record<OrderStatus, string> = {
  PENDING: "Pending payment",
  PAID: "Paid",
  PAYMENT_FAILED: "Payment failed",
  REJECTED: "Rejected",
  PREPARING: "Preparing",
  READY: "Ready for pickup",
  COLLECTED: "Collected",
  CANCELLED: "Cancelled, refund pending",
  REFUNDED: "Cancelled and refunded",
};

const TRACKING_TEXT: Record<TrackedOrder["tracking"], string | undefined> = {
  polling: "checking…",
  settled: undefined,
  "gave-up": "still pending; stopped checking",
  "not-found": "no longer found",
  aborted: undefined,
};

function pricedLines(order: Order): HTMLElement {
  const money = (cents: number) => formatCents(cents, order.currency);
  return h(
    "table",
    { class: "lines" },
    h("caption", { class: "visually-hidden" }, `Lines of order ${order.orderId}, priced by the server`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Item"), h("th", { scope: "col" }, "Qty"), h("th", { scope: "col" }, "Unit"), h("th", { scope: "col" }, "Line"))),
    h(
      "tbody",
      {},
      order.items.map((line) =>
        h(
          "tr",
          {},
          h("td", {}, `${line.name}, ${line.size}`, line.options.length > 0 && h("div", { class: "muted" }, line.options.join(", "))),
          h("td", {}, line.quantity),
          h("td", {}, money(line.unitPriceCents)),
          h("td", {}, money(line.lineTotalCents)),
        ),
      ),
    ),
    h(
      "tfoot",
      {},
      h("tr", {}, h("th", { scope: "row", colspan: 3 }, "Subtotal"), h("td", {}, money(order.subtotalCents))),
      h("tr", {}, h("th", { scope: "row", colspan: 3 }, "Tax"), h("td", {}, money(order.taxCents))),
      h("tr", {}, h("th", { scope: "row", colspan: 3 }, "Total"), h("td", {}, h("strong", {}, money(order.totalCents)))),
    ),
  );
}

/** Where the order is on its way: each step done, the current one marked, what comes next. */
function timeline(order: Order): HTMLElement {
  return h(
    "ol",
    { class: "timeline", "aria-label": "Progress" },
    orderTimeline(order).map((step) =>
      h(
        "li",
        { class: `step step-${step.state}`, ...(step.state === "current" ? { "aria-current": "step" } : {}) },
        step.label,
        step.at && [" ", h("time", { datetime: step.at }, new Date(step.at).toLocaleTimeString())],
        step.state === "upcoming" && h("span", { class: "visually-hidden" }, " (not yet)"),
      ),
    ),
  );
}

function orderCard(tracked: TrackedOrder, stores: readonly Store[]): HTMLElement {
  const { order } = tracked;
  const store = stores.find((candidate) => candidate.storeId === order.storeId)?.name ?? order.storeId;
  const tracking = TRACKING_TEXT[tracked.tracking];
  return h(
    "article",
    { class: "order", "aria-labelledby": `order-${order.orderId}` },
    h(
      "header",
      {},
      h("h3", { id: `order-${order.orderId}` }, h("code", {}, order.orderId)),
      h("span", { class: `status status-${order.status.toLowerCase()}` }, STATUS_TEXT[order.status]),
      tracking && h("span", { class: "muted" }, ` ${tracking}`),
    ),
    timeline(order),
    h(
      "dl",
      {},
      h("dt", {}, "Total"),
      h("dd", {}, h("strong", {}, formatCents(order.totalCents, order.currency)), h("span", { class: "muted" }, " server-priced")),
      h("dt", {}, "Store"),
      h("dd", {}, store),
      h("dt", {}, "Customer"),
      h("dd", {}, order.customerId),
      // Orders read from the customer's history were created elsewhere: their creating trace is not known here.
      tracked.traceId && [h("dt", {}, "Trace"), h("dd", {}, traceLabel(tracked.traceId))],
      order.paymentId && [h("dt", {}, "Payment"), h("dd", {}, h("code", {}, order.paymentId))],
      order.failureReason && [h("dt", {}, "Reason"), h("dd", {}, order.failureReason)],
      h("dt", {}, "Created"),
      h("dd", {}, h("time", { datetime: order.createdAt }, new Date(order.createdAt).toLocaleTimeString()), ` · version ${order.version}`),
    ),
    tracked.replayed && h("p", { class: "muted" }, "Replayed: the server returned the order it had already created for this submit."),
    tracked.lastError && h("p", { class: "muted" }, `Last status check failed: ${tracked.lastError}`),
    h("details", { "data-keep": order.orderId }, h("summary", { "data-focus": `lines-${order.orderId}` }, `${order.items.length} ${order.items.length === 1 ? "line" : "lines"}`), pricedLines(order)),
  );
}

/** Orders placed from this tab, newest first, with live status. */
export function ordersView(orders: readonly TrackedOrder[], stores: readonly Store[]): HTMLElement {
  if (orders.length === 0) return h("p", { class: "muted" }, "Orders you place appear here with their live status and trace id.");
  const newestFirst = [...orders].sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt));
  return h("div", { class: "orders", tabindex: -1, "data-focus": "orders", "aria-label": "Your orders, newest first" }, newestFirst.map((tracked) => orderCard(tracked, stores)));
}

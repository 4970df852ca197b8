import type { ApiClient } from "./api/client.ts";
import type { Store } from "./api/types.ts";
import { analyticsPanel } from "./analytics/analytics-panel.ts";
import { createAnalyticsClient } from "./analytics/analytics-client.ts";
import { createMenuBook } from "./menu/menu-book.ts";
import type { StoreStock } from "./inventory/availability.ts";
import { createStore } from "./store.ts";
import { availabilityPanel } from "./panels/availability-panel.ts";
import { checkoutPanel } from "./panels/checkout.ts";
import { HISTORY_PAGE, orderBoard } from "./panels/order-board.ts";
import { inboxPanel } from "./panels/inbox-panel.ts";
import { readinessPanel } from "./panels/readiness-panel.ts";
import { stressPanel } from "./panels/stress-panel.ts";
import { alarmsPanel } from "./panels/alarms-panel.ts";
import { chartedMetrics, metricChartsPanel } from "./panels/metric-charts-panel.ts";
import { createOpsClient } from "./ops/ops-client.ts";
import { createOpsFeed } from "./ops/ops-feed.ts";
import { faultsPanel } from "./panels/faults-panel.ts";
import { faultsClient } from "./chaos/faults-client.ts";
import { baristaPanel } from "./staff/barista-panel.ts";
import { pickupBoard } from "./staff/pickup-board.ts";
import { type OrderStorage, loadCustomer, saveCustomer } from "./orders/saved-orders.ts";
import type { OperatorTokenStore } from "./stress/operator-token.ts";
import { loyaltyClient } from "./loyalty/loyalty-client.ts";
import { loyaltyPanel } from "./loyalty/loyalty-panel.ts";
import { describeError } from "./views/describe-error.ts";
import { h, replaceContent } from "./views/dom.ts";

export interface ConsoleDeps {
  root: HTMLElement;
  client: ApiClient;
  tokens: OperatorTokenStore;
  /** Where this tab keeps its orders across reloads (sessionStorage in the browser). */
  orderStorage: OrderStorage;
  /** Shown as a hint on the local platform only; a deployed stage's token is never in the bundle. */
  localDefaultToken?: string | undefined;
  /** The page's path: `/` the customer's view, `/barista`, `/board` and `/ops` the staff's. */
  path?: string;
}

export const views = {
  customer: { path: "/", title: "Order" },
  barista: { path: "/barista", title: "Barista" },
  board: { path: "/board", title: "Pickup board" },
  ops: { path: "/ops", title: "Ops" },
} as const;
export type View = keyof typeof views;

/** Which view a path shows; anything unknown is the customer's. */
export function viewOf(path: string): View {
  const trimmed = path.replace(/\/+$/, "") || "/";
  return (Object.keys(views) as View[]).find((view) => views[view].path === trimmed) ?? "customer";
}

function section(id: string, title: string, ...content: HTMLElement[]): HTMLElement {
  return h("section", { id, class: "panel", "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), ...content);
}

/** The operator's view: alarms and charts of the local metrics sink (one feed for both), the stress scenarios, the faults. */
function opsSections(deps: ConsoleDeps): HTMLElement[] {
  const feed = createOpsFeed(createOpsClient(), chartedMetrics);
  return [
    section("alarms", "Alarms", alarmsPanel(feed)),
    section("metrics", "Metrics", metricChartsPanel(feed)),
    section("ops", "Stress scenarios", stressPanel(deps.client, deps.tokens, deps.localDefaultToken)),
    section("faults", "Fault injection", faultsPanel(faultsClient({ operatorToken: deps.tokens.get }), deps.tokens)),
  ];
}

/** Lays out the console: the view the path names, under one header with the views' links. */
export function startConsole(deps: ConsoleDeps): void {
  const view = viewOf(deps.path ?? "/");
  // Each view has a title of its own (tabs, history and screen readers tell them apart).
  document.title = `${views[view].title} · CloudCafe`;
  const announcer = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const announce = (message: string) => {
    announcer.textContent = message;
  };
  const content = h("div", { class: view === "customer" ? "ordering" : "staff" }, h("p", { class: "muted" }, "Loading the stores…"));

  async function loadStores() {
    try {
      const { data } = await deps.client.stores();
      mount(data.stores);
    } catch (error) {
      replaceContent(
        content,
        h("div", { class: "alert", role: "alert" }, h("p", {}, `The stores did not load: ${describeError(error)}`), h("button", { type: "button", onclick: () => void loadStores() }, "Try again")),
      );
    }
  }

  /** The menu comes from the Menu service one category at a time; the stores are what every view needs first. */
  function mount(stores: readonly Store[]) {
    if (view === "barista") {
      return replaceContent(
        content,
        section("queue", "Store queue", baristaPanel(deps.client, stores, deps.tokens)),
        section("sales", "Sales per minute", analyticsPanel(createAnalyticsClient(), stores)),
      );
    }
    if (view === "board") return replaceContent(content, pickupBoard(deps.client, stores));
    const board = orderBoard(deps.client, stores, deps.orderStorage, announce);
    const inbox = inboxPanel(deps.client);
    let signedIn = "";
    /** One page of the customer's history (newest first); the board offers the next one while there is one. */
    const loadHistoryPage = async (customerId: string, cursor?: string): Promise<void> => {
      try {
        const { data } = await deps.client.listOrders(customerId, { limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) });
        // A slower answer for a customer signed in before this one is not shown.
        if (signedIn !== customerId) return;
        const { nextCursor } = data;
        board.showCustomer(customerId, data.orders, nextCursor ? () => loadHistoryPage(customerId, nextCursor) : undefined);
      } catch (error) {
        if (signedIn !== customerId) return;
        board.showCustomer(customerId, [], () => loadHistoryPage(customerId, cursor));
        announce(`The order history did not load: ${describeError(error)}`);
      }
    };
    const loadHistory = async (customerId: string) => {
      signedIn = customerId;
      saveCustomer(deps.orderStorage, customerId);
      inbox.show(customerId);
      await loadHistoryPage(customerId);
    };
    const book = createMenuBook(stores);
    const stock = createStore<StoreStock | undefined>(undefined);
    const { menu, checkout, bar, storeSelect } = checkoutPanel(deps.client, book, board, {
      customerId: loadCustomer(deps.orderStorage),
      onCustomer: (customerId) => void loadHistory(customerId),
      stock,
    });
    replaceContent(
      content,
      section("menu", "Menu", menu),
      h(
        "div",
        { class: "side" },
        section("order", "Your order", checkout),
        section("stock", "Availability", availabilityPanel(deps.client, book, storeSelect, stock)),
        section("orders", "Orders", board.element),
        section("inbox", "Notifications", inbox.element),
        section("loyalty", "Loyalty", loyaltyPanel(loyaltyClient())),
      ),
      bar,
    );
  }

  const nav = h(
    "nav",
    { "aria-label": "Views" },
    (Object.keys(views) as View[]).map((key) => h("a", { href: views[key].path, ...(key === view ? { "aria-current": "page" } : {}) }, views[key].title)),
  );
  const header = h(
    "header",
    { class: "top" },
    h("h1", {}, `CloudCafe · ${views[view].title}`),
    nav,
    view !== "board" && h("div", { class: "ready-box", role: "group", "aria-label": "Order service readiness" }, readinessPanel(deps.client, { refreshMs: view === "ops" ? 10_000 : undefined })),
  );
  const main =
    view === "ops"
      ? h("main", { class: "staff" }, ...opsSections(deps))
      : h("main", { class: view === "board" ? "board-main" : undefined }, content);
  deps.root.replaceChildren(h("a", { href: "#main", class: "skip" }, "Skip to the content"), header, main, announcer);
  main.id = "main";
  if (view !== "ops") void loadStores();
}

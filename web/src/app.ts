import type { ApiClient } from "./api/client.ts";
import type { Store } from "./api/types.ts";
import { createMenuBook } from "./menu/menu-book.ts";
import { availabilityPanel } from "./panels/availability-panel.ts";
import { checkoutPanel } from "./panels/checkout.ts";
import { orderBoard } from "./panels/order-board.ts";
import { readinessPanel } from "./panels/readiness-panel.ts";
import { stressPanel } from "./panels/stress-panel.ts";
import type { OrderStorage } from "./orders/saved-orders.ts";
import type { OperatorTokenStore } from "./stress/operator-token.ts";
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
}

function section(id: string, title: string, ...content: HTMLElement[]): HTMLElement {
  return h("section", { id, class: "panel", "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), ...content);
}

/** Lays out the console; the ordering panels wait for the stores, the ops panel and readiness do not. */
export function startConsole(deps: ConsoleDeps): void {
  const announcer = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const announce = (message: string) => {
    announcer.textContent = message;
  };
  const ordering = h("div", { class: "ordering" }, h("p", { class: "muted" }, "Loading the menu…"));

  async function loadStores() {
    try {
      const { data } = await deps.client.stores();
      mountOrdering(data.stores);
    } catch (error) {
      replaceContent(
        ordering,
        h("div", { class: "alert", role: "alert" }, h("p", {}, `The menu did not load: ${describeError(error)}`), h("button", { type: "button", onclick: () => void loadStores() }, "Try again")),
      );
    }
  }

  /** The menu comes from the Menu service one category at a time; the stores are what ordering needs first. */
  function mountOrdering(stores: readonly Store[]) {
    const board = orderBoard(deps.client, stores, deps.orderStorage, announce);
    const book = createMenuBook(stores);
    const { menu, checkout, storeSelect } = checkoutPanel(deps.client, book, board);
    replaceContent(
      ordering,
      section("menu", "Menu", menu),
      h(
        "div",
        { class: "side" },
        section("order", "Your order", checkout),
        section("stock", "In stock at this store", availabilityPanel(deps.client, book, storeSelect)),
        section("orders", "Orders", board.element),
      ),
    );
  }

  deps.root.replaceChildren(
    h("a", { href: "#menu", class: "skip" }, "Skip to the menu"),
    h(
      "header",
      { class: "top" },
      h("h1", {}, "CloudCafe console"),
      h("nav", { "aria-label": "Sections" }, [["#menu", "Menu"], ["#order", "Your order"], ["#orders", "Orders"], ["#ops", "Ops"]].map(([href, label]) => h("a", { href }, label))),
      h("div", { class: "ready-box", role: "group", "aria-label": "Order service readiness" }, readinessPanel(deps.client)),
    ),
    h("main", {}, ordering, section("ops", "Ops: stress scenarios", stressPanel(deps.client, deps.tokens, deps.localDefaultToken))),
    announcer,
  );
  void loadStores();
}

import type { ApiClient } from "../api/client.ts";
import { availabilityLabel, availabilityRows, type StoreStock } from "../inventory/availability.ts";
import type { MenuLookup } from "../menu/menu-book.ts";
import { type Store, createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";

/** Stock moves with every order placed anywhere: the list is read again this often while shown. */
const REFRESH_MS = 10_000;

interface State {
  storeId: string;
  stock?: StoreStock | undefined;
  error?: unknown;
}

/**
 * What the chosen store has left (`GET /api/inventory/store/:storeId`), item by item, with "sold out" where nothing
 * is free to order; read again when the store changes and every few seconds.
 */
export function availabilityPanel(client: ApiClient, menu: MenuLookup, storeSelect: HTMLSelectElement, shared: Store<StoreStock | undefined>): HTMLElement {
  const state = createStore<State>({ storeId: storeSelect.value });
  // Not a live region: it is read again every few seconds, and a screen reader would read the whole list each time.
  const element = h("div", { class: "availability" });
  let request = 0;

  async function load() {
    const storeId = storeSelect.value;
    const mine = ++request;
    try {
      const { data } = await client.storeStock(storeId);
      if (mine !== request) return;
      // Redrawn only when something changed, so a reader's place in the list survives the periodic reads.
      if (JSON.stringify(data) !== JSON.stringify(state.get().stock)) state.update(() => ({ storeId, stock: data }));
      shared.update(() => data);
    } catch (error) {
      if (mine !== request) return;
      state.update(() => ({ storeId, error }));
      shared.update(() => undefined);
    }
  }

  function body({ stock, error }: State) {
    if (error) return h("p", { class: "alert", role: "alert" }, `Stock did not load: ${describeError(error)}`);
    if (!stock) return h("p", { class: "muted", role: "status" }, "Loading stock…");
    const rows = availabilityRows(stock, menu);
    return [
      stock.status === "closed" && h("p", { class: "alert" }, "This store is closed: its orders are refused."),
      h(
        "ul",
        { class: "stock-list" },
        rows.map((row) =>
          h("li", { class: row.soldOut ? "sold-out" : "" }, h("span", {}, row.name, " ", h("span", { class: "sku" }, row.sku)), h("strong", {}, availabilityLabel(row))),
        ),
      ),
    ];
  }

  state.subscribe((current) => replaceContent(element, body(current)));
  storeSelect.addEventListener("change", () => void load());
  setInterval(() => void load(), REFRESH_MS);
  void load();
  return element;
}

import type { ApiClient } from "../api/client.ts";
import type { MenuCategory } from "../api/types.ts";
import { categories, type MenuBook } from "../menu/menu-book.ts";
import { availabilityLabel, availableOf, type StoreStock } from "../inventory/availability.ts";
import { type Store, createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { type AddToCart, categoryTabs, categoryView } from "../views/menu.ts";

interface State {
  category: MenuCategory;
  loading: boolean;
  error?: unknown;
}

/**
 * The menu, one category at a time, read from the Menu service (`GET /api/menu/items/:category`) when it is shown;
 * the items read go into the menu book the cart prices its preview from. Switching quickly shows only the last
 * category asked for.
 */
export function menuPanel(client: ApiClient, book: MenuBook, onAdd: AddToCart, stock?: Store<StoreStock | undefined>): HTMLElement {
  const state = createStore<State>({ category: categories[0]!, loading: true });
  const element = h("div", { class: "menu" });
  let shown = 0;

  async function show(category: MenuCategory) {
    const request = ++shown;
    state.update(() => ({ category, loading: true }));
    try {
      const { data } = await client.menuItems(category);
      if (request !== shown) return;
      book.setCategory(category, data.items);
      state.update(() => ({ category, loading: false }));
    } catch (error) {
      if (request === shown) state.update(() => ({ category, loading: false, error }));
    }
  }

  function body({ category, loading, error }: State) {
    const items = book.items(category);
    if (error) {
      return h(
        "div",
        { class: "alert", role: "alert" },
        h("p", {}, `This part of the menu did not load: ${describeError(error)}`),
        h("button", { type: "button", onclick: () => void show(category) }, "Try again"),
      );
    }
    if (loading && !items) return h("p", { class: "muted", role: "status" }, "Loading the menu…");
    return categoryView(category, items ?? [], onAdd);
  }

  /** Each shown item's availability at the chosen store, written in place so no form the customer is filling redraws. */
  function showStock(levels: StoreStock | undefined) {
    for (const line of Array.from(element.querySelectorAll<HTMLElement>("[data-stock-sku]"))) {
      const available = availableOf(levels, line.dataset.stockSku ?? "");
      const text = available === undefined ? "" : availabilityLabel({ available, soldOut: available === 0 });
      if (line.textContent !== text) line.textContent = text;
      line.classList.toggle("sold-out", available === 0);
    }
  }

  state.subscribe((current) => {
    replaceContent(element, categoryTabs(current.category, (category) => void show(category)), body(current));
    showStock(stock?.get());
  });
  stock?.subscribe(showStock);
  void show(state.get().category);
  return element;
}

import type { ApiClient } from "../api/client.ts";
import { isApiError } from "../api/errors.ts";
import type { MenuBook } from "../menu/menu-book.ts";
import { type Cart, addToCart, emptyCart, itemCount, previewSubtotalCents, removeLine, setQuantity, toOrderRequest } from "../cart/cart.ts";
import { formatCents } from "../money.ts";
import { type Submission, newSubmission, submitOrder } from "../orders/submission.ts";
import { type Store, createStore } from "../store.ts";
import { type StoreStock, stockRefusal } from "../inventory/availability.ts";
import { type CheckoutState, cartView } from "../views/cart.ts";
import { focusFallback, h, replaceContent } from "../views/dom.ts";
import { IDENTIFIER, IDENTIFIER_RULE, fieldError } from "../views/field-error.ts";
import { menuPanel } from "./menu-panel.ts";
import type { OrderBoard } from "./order-board.ts";


interface State extends CheckoutState {
  /** The submit that failed retryably: retrying sends it again, key and all. */
  submission?: Submission | undefined;
}

/**
 * The bar that keeps the cart in reach on a phone, where the order panel sits below the whole menu: the item count and
 * preview total, and a link to the order panel. Hidden while the cart is empty, and on wide screens (CSS).
 */
function cartBar(): { element: HTMLElement; show(cart: Cart, book: MenuBook): void } {
  const summary = h("span", { class: "cart-bar-summary" });
  const element = h("nav", { class: "cart-bar", "aria-label": "Cart", hidden: true }, summary, h("a", { href: "#order", class: "cart-bar-link" }, "Review order"));
  return {
    element,
    show(cart, book) {
      const count = itemCount(cart);
      element.hidden = count === 0;
      summary.textContent = `${count} ${count === 1 ? "item" : "items"} · ${formatCents(previewSubtotalCents(cart, book))}`;
    },
  };
}

/** Menu, cart and the order form; a placed order is handed to the order board. */
export function checkoutPanel(
  client: ApiClient,
  book: MenuBook,
  board: OrderBoard,
  options: {
    customerId?: string | undefined;
    onCustomer?: (customerId: string) => void;
    /** The chosen store's stock, when the console reads it: the menu shows it and Add refuses what is not there. */
    stock?: Store<StoreStock | undefined>;
  } = {},
): { menu: HTMLElement; checkout: HTMLElement; bar: HTMLElement; storeSelect: HTMLSelectElement } {
  const onCustomer = options.onCustomer ?? (() => {});
  const state = createStore<State>({ cart: emptyCart(), submitting: false, retryable: false });
  const setCart = (cart: Cart) => state.update((current) => ({ ...current, cart, notice: undefined }));

  const customerInput = h("input", { id: "customer-id", name: "customerId", required: true, value: options.customerId ?? "customer-demo-001", maxlength: 64, autocomplete: "off" });
  // The customer's order history comes from the server, so it follows them to a new tab or device.
  customerInput.addEventListener("change", () => {
    const customerId = customerInput.value.trim();
    if (IDENTIFIER.test(customerId)) {
      fieldError(customerInput, undefined);
      onCustomer(customerId);
    } else fieldError(customerInput, `Customer id: ${IDENTIFIER_RULE}.`);
  });
  queueMicrotask(() => onCustomer(customerInput.value.trim()));
  const storeSelect = h(
    "select",
    { id: "store-id", name: "storeId" },
    book.stores.map((store) => h("option", { value: store.storeId }, `${store.name}, ${store.city}${store.open ? "" : " (closed now)"}`)),
  );
  // An open store first: an order is for now.
  storeSelect.value = (book.stores.find((store) => store.open) ?? book.stores[0])?.storeId ?? "";
  const cartRegion = h("div", { class: "cart" });

  async function send(submission: Submission) {
    state.update((current) => ({ ...current, submission, submitting: true, error: undefined, notice: undefined }));
    try {
      const response = await submitOrder(client, submission, {
        onRetry: (attempt) => state.update((current) => ({ ...current, notice: `No usable answer; retrying with the same Idempotency-Key (attempt ${attempt + 1})…` })),
      });
      board.add(response.data, response.traceId, response.replayed);
      state.update(() => ({ cart: emptyCart(), submitting: false, retryable: false, notice: `Order ${response.data.orderId} placed; its status updates in Orders.` }));
      // The submit button was locked while the request ran: focus goes to the result, not back to the page.
      focusFallback(cartRegion);
    } catch (error) {
      const retryable = isApiError(error) && error.retryable;
      state.update((current) => ({
        ...current,
        submitting: false,
        retryable,
        submission: retryable ? submission : undefined,
        notice: undefined,
        error: error instanceof Error ? error : new Error(String(error)),
      }));
      focusFallback(cartRegion);
    }
  }

  function submit() {
    const customerId = customerInput.value.trim();
    if (!IDENTIFIER.test(customerId)) return fieldError(customerInput, `Customer id: ${IDENTIFIER_RULE}.`);
    fieldError(customerInput, undefined);
    void send(newSubmission(toOrderRequest(state.get().cart, customerId, storeSelect.value)));
  }

  const handlers = {
    setQuantity: (key: string, quantity: number) => setCart(setQuantity(state.get().cart, key, quantity)),
    remove: (key: string) => setCart(removeLine(state.get().cart, key)),
    submit,
    retry: () => {
      const { submission } = state.get();
      if (submission) void send(submission);
    },
    discardFailedSubmit: () => state.update((current) => ({ ...current, submission: undefined, retryable: false, error: undefined })),
  };

  const bar = cartBar();
  const render = (current: State) => {
    replaceContent(cartRegion, cartView(book, current, handlers));
    bar.show(current.cart, book);
  };
  state.subscribe(render);
  render(state.get());

  const menu = menuPanel(client, book, (choice) => {
    const current = state.get();
    if (current.submitting || current.retryable) return "Finish or discard the pending submit first.";
    const inCart = current.cart.lines.filter((line) => line.sku === choice.sku).reduce((sum, line) => sum + line.quantity, 0);
    const outOfStock = stockRefusal(options.stock?.get(), choice.sku, choice.quantity, inCart);
    if (outOfStock) return outOfStock;
    const change = addToCart(current.cart, choice, book);
    if (!change.ok) return change.reason;
    setCart(change.cart);
    return undefined;
  }, options.stock);

  const checkout = h(
    "form",
    { class: "checkout", novalidate: true, onsubmit: (event) => event.preventDefault() },
    h("div", { class: "field" }, h("label", { for: "customer-id" }, "Customer id"), customerInput),
    h("div", { class: "field" }, h("label", { for: "store-id" }, "Store"), storeSelect),
    cartRegion,
  );
  return { menu, checkout, bar: bar.element, storeSelect };
}

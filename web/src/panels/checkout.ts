import type { ApiClient } from "../api/client.ts";
import { isApiError } from "../api/errors.ts";
import type { MenuBook } from "../menu/menu-book.ts";
import { type Cart, addToCart, emptyCart, removeLine, setQuantity, toOrderRequest } from "../cart/cart.ts";
import { type Submission, newSubmission, submitOrder } from "../orders/submission.ts";
import { createStore } from "../store.ts";
import { type CheckoutState, cartView } from "../views/cart.ts";
import { h, replaceContent } from "../views/dom.ts";
import { menuPanel } from "./menu-panel.ts";
import type { OrderBoard } from "./order-board.ts";

/** The same rule the server applies to customer and store ids. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

interface State extends CheckoutState {
  /** The submit that failed retryably: retrying sends it again, key and all. */
  submission?: Submission | undefined;
}

/** Menu, cart and the order form; a placed order is handed to the order board. */
export function checkoutPanel(client: ApiClient, book: MenuBook, board: OrderBoard): { menu: HTMLElement; checkout: HTMLElement; storeSelect: HTMLSelectElement } {
  const state = createStore<State>({ cart: emptyCart(), submitting: false, retryable: false });
  const setCart = (cart: Cart) => state.update((current) => ({ ...current, cart, notice: undefined }));

  const customerInput = h("input", { id: "customer-id", name: "customerId", required: true, value: "customer-demo-001", maxlength: 64, autocomplete: "off" });
  const storeSelect = h(
    "select",
    { id: "store-id", name: "storeId" },
    book.stores.map((store) => h("option", { value: store.storeId }, `${store.name}, ${store.city}${store.open ? "" : " (closed now)"}`)),
  );
  const cartRegion = h("div", { class: "cart" });

  async function send(submission: Submission) {
    state.update((current) => ({ ...current, submission, submitting: true, error: undefined, notice: undefined }));
    try {
      const response = await submitOrder(client, submission, {
        onRetry: (attempt) => state.update((current) => ({ ...current, notice: `No usable answer; retrying with the same Idempotency-Key (attempt ${attempt + 1})…` })),
      });
      board.add(response.data, response.traceId, response.replayed);
      state.update(() => ({ cart: emptyCart(), submitting: false, retryable: false, notice: `Order ${response.data.orderId} placed; its status updates below.` }));
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
    }
  }

  function submit() {
    const customerId = customerInput.value.trim();
    if (!IDENTIFIER.test(customerId)) {
      state.update((current) => ({ ...current, error: new Error("Customer id: 1-64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit.") }));
      customerInput.focus();
      return;
    }
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

  const render = (current: State) => replaceContent(cartRegion, cartView(book, current, handlers));
  state.subscribe(render);
  render(state.get());

  const menu = menuPanel(client, book, (choice) => {
    const current = state.get();
    if (current.submitting || current.retryable) return "Finish or discard the pending submit first.";
    const change = addToCart(current.cart, choice, book);
    if (!change.ok) return change.reason;
    setCart(change.cart);
    return undefined;
  });

  const checkout = h(
    "form",
    { class: "checkout", onsubmit: (event) => event.preventDefault() },
    h("div", { class: "field" }, h("label", { for: "customer-id" }, "Customer id"), customerInput),
    h("div", { class: "field" }, h("label", { for: "store-id" }, "Store"), storeSelect),
    cartRegion,
  );
  return { menu, checkout, storeSelect };
}

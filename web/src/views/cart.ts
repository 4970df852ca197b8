import type { ApiError } from "../api/errors.ts";
import type { MenuLookup } from "../menu/menu-book.ts";
import { type Cart, type CartLine, MAX_LINE_QUANTITY, itemCount, previewSubtotalCents, previewUnitCents } from "../cart/cart.ts";
import { formatCents } from "../money.ts";
import { describeError } from "./describe-error.ts";
import { type Child, h } from "./dom.ts";
import { traceLabel } from "./trace-label.ts";

export interface CheckoutState {
  cart: Cart;
  submitting: boolean;
  /** Set while a failed submit may be retried with its idempotency key. */
  retryable: boolean;
  error?: ApiError | Error | undefined;
  notice?: string | undefined;
}

export interface CartHandlers {
  setQuantity(key: string, quantity: number): void;
  remove(key: string): void;
  submit(): void;
  retry(): void;
  discardFailedSubmit(): void;
}

function optionNames(line: CartLine, menu: MenuLookup): string {
  const offered = menu.item(line.sku)?.options ?? [];
  return line.options.map((code) => offered.find((option) => option.code === code)?.name ?? code).join(", ");
}

function lineRow(line: CartLine, menu: MenuLookup, handlers: CartHandlers, locked: boolean): HTMLElement {
  const name = menu.item(line.sku)?.name ?? line.sku;
  const description = `${name}, ${line.size}`;
  return h(
    "li",
    { class: "cart-line" },
    h("div", { class: "line-name" }, h("strong", {}, name), ` ${line.size}`, line.options.length > 0 && h("div", { class: "muted" }, optionNames(line, menu))),
    h(
      "div",
      { class: "stepper", role: "group", "aria-label": `Quantity of ${description}` },
      h("button", { type: "button", "data-focus": `dec-${line.key}`, "aria-label": `One fewer ${description}`, disabled: locked || line.quantity <= 1, onclick: () => handlers.setQuantity(line.key, line.quantity - 1) }, "−"),
      h("output", { "aria-live": "polite" }, line.quantity),
      h("button", { type: "button", "data-focus": `inc-${line.key}`, "aria-label": `One more ${description}`, disabled: locked || line.quantity >= MAX_LINE_QUANTITY, onclick: () => handlers.setQuantity(line.key, line.quantity + 1) }, "+"),
    ),
    h("span", { class: "amount" }, formatCents(previewUnitCents(line, menu) * line.quantity)),
    h("button", { type: "button", class: "link", "data-focus": `remove-${line.key}`, "aria-label": `Remove ${description}`, disabled: locked, onclick: () => handlers.remove(line.key) }, "Remove"),
  );
}

function errorPanel(state: CheckoutState, handlers: CartHandlers): HTMLElement | false {
  const { error } = state;
  if (!error) return false;
  const details = "details" in error ? error.details : [];
  return h(
    "div",
    { class: "alert", role: "alert", tabindex: -1, "data-focus-fallback": true },
    h("p", {}, describeError(error)),
    details.length > 0 && h("ul", {}, details.map((detail) => h("li", {}, h("code", {}, detail.path), ` ${detail.message}`))),
    "traceId" in error && h("p", { class: "muted" }, "Trace ", traceLabel(error.traceId)),
    state.retryable &&
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", "data-focus": "retry", onclick: handlers.retry, disabled: state.submitting }, "Retry this submit"),
        h("button", { type: "button", class: "link", onclick: handlers.discardFailedSubmit, disabled: state.submitting }, "Discard it"),
        h("p", { class: "muted" }, "A retry sends the same Idempotency-Key, so it cannot create a second order."),
      ),
  );
}

/** The cart with a client-side preview; what the order costs is the server's answer, shown in the order list. */
export function cartView(menu: MenuLookup, state: CheckoutState, handlers: CartHandlers): Child[] {
  const { cart } = state;
  const locked = state.submitting || state.retryable;
  const count = itemCount(cart);
  return [
    cart.lines.length === 0
      ? h("p", { class: "muted", tabindex: -1, "data-focus-fallback": true }, "The cart is empty: add drinks and food from the menu.")
      : h("ul", { class: "cart-lines", "aria-label": "Cart" }, cart.lines.map((line) => lineRow(line, menu, handlers, locked))),
    cart.lines.length > 0 &&
      h(
        "p",
        { class: "subtotal", tabindex: -1, "data-focus-fallback": true },
        `Preview subtotal (${count} ${count === 1 ? "item" : "items"}): `,
        h("strong", {}, formatCents(previewSubtotalCents(cart, menu))),
        h("span", { class: "muted" }, " — tax and totals come from the server."),
      ),
    h(
      "button",
      { type: "button", class: "primary", "data-focus": "submit", disabled: locked || cart.lines.length === 0, onclick: handlers.submit },
      state.submitting ? "Placing order…" : "Place order",
    ),
    state.notice !== undefined && h("p", { role: "status", tabindex: -1, "data-focus-fallback": true }, state.notice),
    errorPanel(state, handlers),
  ];
}

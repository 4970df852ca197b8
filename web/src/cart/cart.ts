import type { MAX_ITEM_QUANTITY, MAX_OPTIONS_PER_LINE, MAX_ORDER_LINES } from "@cloudcafe/core/order/schema";
import type { MenuItem, PlaceOrderRequest, Size } from "../api/types.ts";
import type { MenuLookup } from "../menu/menu-book.ts";

// The server's limits, typed as its own constants so a change there fails this build; the server stays the judge.
export const MAX_LINE_QUANTITY: typeof MAX_ITEM_QUANTITY = 20;
export const MAX_CART_LINES: typeof MAX_ORDER_LINES = 50;
export const MAX_LINE_OPTIONS: typeof MAX_OPTIONS_PER_LINE = 8;

export interface CartLine {
  /** Identifies the line for the view; stable while the line exists. */
  key: string;
  sku: string;
  size: Size;
  quantity: number;
  /** Option codes in menu order, so the same choice always makes the same line. */
  options: string[];
}

export interface Cart {
  lines: CartLine[];
}

export type CartChange = { ok: true; cart: Cart } | { ok: false; cart: Cart; reason: string };

export const emptyCart = (): Cart => ({ lines: [] });

export interface LineChoice {
  sku: string;
  size: Size;
  quantity: number;
  options: readonly string[];
}

const lineKey = (sku: string, size: Size, options: readonly string[]) => [sku, size, ...options].join("|");

function canonicalOptions(item: MenuItem, options: readonly string[]): string[] {
  const chosen = new Set(options);
  return item.options.map((option) => option.code).filter((code) => chosen.has(code));
}

/** Checks a choice against the menu the way the server will, so most mistakes never leave the browser. */
function problemWith(choice: LineChoice, item: MenuItem | undefined): string | undefined {
  if (!item) return `Unknown item ${choice.sku}`;
  if (item.prices[choice.size] === undefined) return `${item.name} does not come in ${choice.size}`;
  if (!Number.isInteger(choice.quantity) || choice.quantity < 1 || choice.quantity > MAX_LINE_QUANTITY) {
    return `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}`;
  }
  const unknown = choice.options.find((code) => !item.options.some((option) => option.code === code));
  if (unknown) return `${item.name} does not take ${unknown}`;
  if (new Set(choice.options).size > MAX_LINE_OPTIONS) return `At most ${MAX_LINE_OPTIONS} options per drink`;
  return undefined;
}

/** Adds a choice; the same item, size and options join the existing line rather than making a second one. */
export function addToCart(cart: Cart, choice: LineChoice, menu: MenuLookup): CartChange {
  const item = menu.item(choice.sku);
  const problem = problemWith(choice, item);
  if (problem || !item) return { ok: false, cart, reason: problem ?? `Unknown item ${choice.sku}` };

  const options = canonicalOptions(item, choice.options);
  const key = lineKey(choice.sku, choice.size, options);
  const existing = cart.lines.find((line) => line.key === key);
  if (existing) {
    const quantity = existing.quantity + choice.quantity;
    if (quantity > MAX_LINE_QUANTITY) return { ok: false, cart, reason: `At most ${MAX_LINE_QUANTITY} of the same drink per order` };
    return { ok: true, cart: { lines: cart.lines.map((line) => (line.key === key ? { ...line, quantity } : line)) } };
  }
  if (cart.lines.length >= MAX_CART_LINES) return { ok: false, cart, reason: `At most ${MAX_CART_LINES} lines per order` };
  return { ok: true, cart: { lines: [...cart.lines, { key, sku: choice.sku, size: choice.size, quantity: choice.quantity, options }] } };
}

/** Sets a line's quantity, clamped to what the server accepts; removing is a separate, explicit action. */
export function setQuantity(cart: Cart, key: string, quantity: number): Cart {
  const clamped = Math.min(MAX_LINE_QUANTITY, Math.max(1, Math.trunc(quantity)));
  return { lines: cart.lines.map((line) => (line.key === key ? { ...line, quantity: clamped } : line)) };
}

export function removeLine(cart: Cart, key: string): Cart {
  return { lines: cart.lines.filter((line) => line.key !== key) };
}

export function itemCount(cart: Cart): number {
  return cart.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** Unit price as the menu lists it: size price plus option prices. */
export function previewUnitCents(line: Pick<CartLine, "sku" | "size" | "options">, menu: MenuLookup): number {
  const item = menu.item(line.sku);
  const sizeCents = item?.prices[line.size] ?? 0;
  return line.options.reduce((sum, code) => sum + (item?.options.find((option) => option.code === code)?.priceCents ?? 0), sizeCents);
}

/**
 * A preview only: tax depends on the store's rates, which the server applies. The totals shown after ordering
 * are the server's.
 */
export function previewSubtotalCents(cart: Cart, menu: MenuLookup): number {
  return cart.lines.reduce((sum, line) => sum + previewUnitCents(line, menu) * line.quantity, 0);
}

export function toOrderRequest(cart: Cart, customerId: string, storeId: string): PlaceOrderRequest {
  return {
    customerId,
    storeId,
    items: cart.lines.map(({ sku, size, quantity, options }) => ({ sku, size, quantity, options: [...options] })),
  };
}

import { describe, expect, it } from "vitest";
import { type Cart, MAX_CART_LINES, MAX_LINE_QUANTITY, addToCart, emptyCart, itemCount, previewSubtotalCents, removeLine, setQuantity, toOrderRequest } from "../src/cart/cart.ts";
import { menuBook, menuItem } from "./factories.ts";

const menu = menuBook();
const latte = (overrides: Partial<{ size: "tall" | "grande"; quantity: number; options: string[] }> = {}) => ({ sku: "ESP-003", size: "grande" as const, quantity: 1, options: [], ...overrides });

function added(cart: Cart, choice: Parameters<typeof addToCart>[1]): Cart {
  const change = addToCart(cart, choice, menu);
  if (!change.ok) throw new Error(change.reason);
  return change.cart;
}

describe("cart", () => {
  it("joins the same item, size and options into one line whatever order the options were picked in", () => {
    let cart = added(emptyCart(), latte({ options: ["extra-shot", "oat-milk"] }));
    cart = added(cart, latte({ quantity: 2, options: ["oat-milk", "extra-shot"] }));
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ quantity: 3, options: ["oat-milk", "extra-shot"] });
  });

  it("keeps different sizes or options as separate lines", () => {
    let cart = added(emptyCart(), latte());
    cart = added(cart, latte({ size: "tall" }));
    cart = added(cart, latte({ options: ["oat-milk"] }));
    expect(cart.lines).toHaveLength(3);
    expect(itemCount(cart)).toBe(3);
  });

  it("refuses what the server would refuse, leaving the cart unchanged", () => {
    const cart = added(emptyCart(), latte());
    for (const choice of [
      { sku: "ESP-003", size: "venti" as const, quantity: 1, options: [] },
      { sku: "ESP-003", size: "grande" as const, quantity: 1, options: ["warmed"] },
      { sku: "ESP-003", size: "grande" as const, quantity: 0, options: [] },
      { sku: "ESP-003", size: "grande" as const, quantity: 1.5, options: [] },
      { sku: "NOP-001", size: "grande" as const, quantity: 1, options: [] },
    ]) {
      const change = addToCart(cart, choice, menu);
      expect(change.ok, JSON.stringify(choice)).toBe(false);
      expect(change.cart).toBe(cart);
    }
  });

  it("refuses to grow a line past the per-line quantity limit", () => {
    const cart = added(emptyCart(), latte({ quantity: MAX_LINE_QUANTITY }));
    const change = addToCart(cart, latte(), menu);
    expect(change).toMatchObject({ ok: false, reason: expect.stringContaining(String(MAX_LINE_QUANTITY)) });
  });

  it("refuses a new line once the order has the most lines the server takes", () => {
    const items = Array.from({ length: MAX_CART_LINES + 1 }, (_, i) => menuItem({ sku: `TST-${String(i).padStart(3, "0")}` }));
    const big = menuBook(items);
    let cart = emptyCart();
    for (const item of items.slice(0, MAX_CART_LINES)) {
      const change = addToCart(cart, { sku: item.sku, size: "tall", quantity: 1, options: [] }, big);
      if (!change.ok) throw new Error(change.reason);
      cart = change.cart;
    }
    expect(addToCart(cart, { sku: items.at(-1)!.sku, size: "tall", quantity: 1, options: [] }, big).ok).toBe(false);
  });

  it("clamps quantity edits to 1..20 and removes lines only when asked", () => {
    const cart = added(emptyCart(), latte());
    const key = cart.lines[0]!.key;
    expect(setQuantity(cart, key, 0).lines[0]!.quantity).toBe(1);
    expect(setQuantity(cart, key, 99).lines[0]!.quantity).toBe(MAX_LINE_QUANTITY);
    expect(removeLine(cart, key).lines).toEqual([]);
  });

  it("previews the subtotal from size and option prices", () => {
    let cart = added(emptyCart(), latte({ quantity: 2, options: ["oat-milk"] }));
    cart = added(cart, { sku: "BAK-001", size: "single", quantity: 1, options: ["warmed"] });
    expect(previewSubtotalCents(cart, menu)).toBe(2 * (495 + 70) + 345);
  });

  it("builds the create-order body the API expects", () => {
    const cart = added(emptyCart(), latte({ quantity: 2, options: ["oat-milk"] }));
    expect(toOrderRequest(cart, "customer-1", "store-sea-001")).toEqual({
      customerId: "customer-1",
      storeId: "store-sea-001",
      items: [{ sku: "ESP-003", size: "grande", quantity: 2, options: ["oat-milk"] }],
    });
  });
});

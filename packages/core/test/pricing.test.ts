import { describe, expect, it } from "vitest";
import { AppError } from "../src/errors.ts";
import { menuCatalogOf } from "../src/menu/catalog.ts";
import { starterMenuItems, starterStores } from "../src/menu/starter.ts";
import { priceOrder, roundCents } from "../src/order/pricing.ts";
import { anOrderInput } from "./factories.ts";

const menu = menuCatalogOf(starterMenuItems, starterStores);

describe("priceOrder", () => {
  it("prices lines from the menu: size price plus options, times quantity", () => {
    const priced = priceOrder(anOrderInput(), menu);
    // Grande latte 495 + oat 70 + shot 90 = 655, x2 = 1310; croissant 345 + warmed 0.
    expect(priced.items.map((l) => [l.unitPriceCents, l.lineTotalCents])).toEqual([
      [655, 1310],
      [345, 345],
    ]);
    expect(priced.subtotalCents).toBe(1655);
  });

  it("taxes at the store's rate and rounds half up once per tax class", () => {
    // Seattle 10.35% on both classes: beverages 1310 -> 135.585 -> 136, food 345 -> 35.7075 -> 36
    expect(priceOrder(anOrderInput(), menu).taxCents).toBe(172);
    // Chicago: beverages 10.25% of 1310 = 134.275 -> 134; food 11.75% of 345 = 40.5375 -> 41
    const chicago = priceOrder(anOrderInput({ storeId: "store-chi-001" }), menu);
    expect(chicago.taxCents).toBe(175);
    expect(chicago.totalCents).toBe(1655 + 175);
    expect(priceOrder(anOrderInput({ storeId: "store-pdx-001" }), menu).taxCents).toBe(0);
  });

  it("rounds exact half cents up despite binary floating point", () => {
    expect(roundCents(0.5)).toBe(1);
    expect(roundCents(1.005 * 100)).toBe(101);
    expect(roundCents(200 * 0.08875)).toBe(18);
  });

  it("rejects unknown skus, sizes an item is not sold in, foreign and repeated options, unknown stores", () => {
    const input = anOrderInput({
      storeId: "store-nowhere",
      items: [
        { sku: "ESP-999", quantity: 1, size: "tall", options: [] },
        { sku: "ESP-001", quantity: 1, size: "venti", options: [] },
        { sku: "BAK-001", quantity: 1, size: "single", options: ["oat-milk"] },
        { sku: "ESP-003", quantity: 1, size: "tall", options: ["decaf", "decaf"] },
      ],
    });
    let error: unknown;
    try {
      priceOrder(input, menu);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("VALIDATION_FAILED");
    expect((error as AppError).details?.map((d) => d.path)).toEqual([
      "storeId",
      "items.0.sku",
      "items.1.size",
      "items.2.options.0",
      "items.3.options.1",
    ]);
  });
});

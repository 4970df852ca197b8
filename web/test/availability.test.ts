import { describe, expect, it } from "vitest";
import { availabilityLabel, availabilityRows, availableOf, stockRefusal, type StoreStock } from "../src/inventory/availability.ts";
import { menuBook } from "./factories.ts";

const level = (sku: string, onHand: number, reserved: number) => ({ sku, onHand, reserved, available: onHand - reserved, version: 1 });
const stock = (...items: ReturnType<typeof level>[]): StoreStock => ({ storeId: "store-sea-001", status: "open", source: "counters", items });

describe("availability per item", () => {
  it("marks what nothing is left of as sold out, held stock included, and lists it first", () => {
    const rows = availabilityRows(stock(level("ESP-003", 30, 2), level("BAK-001", 4, 4), level("TEA-001", 3, 0)), menuBook());
    expect(rows.map((row) => [row.sku, row.soldOut, availabilityLabel(row)])).toEqual([
      ["BAK-001", true, "sold out"],
      ["TEA-001", false, "only 3 left"],
      ["ESP-003", false, "28 available"],
    ]);
  });

  it("names an item from the menu when its category was read, and by its SKU otherwise", () => {
    const book = menuBook();
    const [known] = availabilityRows(stock(level("ESP-003", 1, 0)), book);
    expect(known!.name).toBe(book.item("ESP-003")!.name);
    const [unknown] = availabilityRows(stock(level("ZZZ-999", 1, 0)), book);
    expect(unknown!.name).toBe("ZZZ-999");
  });

  it("refuses adding more than the store has free, counting what the cart holds, and leaves untracked SKUs to the server", () => {
    const levels = stock(level("ESP-003", 5, 2), level("BAK-001", 4, 4));
    expect(availableOf(levels, "ESP-003")).toBe(3);
    expect(stockRefusal(levels, "ESP-003", 3, 0)).toBeUndefined();
    expect(stockRefusal(levels, "ESP-003", 2, 2)).toBe("Only 3 left at this store (2 already in the cart).");
    expect(stockRefusal(levels, "BAK-001", 1, 0)).toBe("Sold out at this store.");
    expect(stockRefusal(levels, "ZZZ-999", 50, 0)).toBeUndefined();
    expect(stockRefusal(undefined, "ESP-003", 50, 0)).toBeUndefined();
  });
});

import { AppError, type ErrorDetail } from "../errors.ts";
import type { MenuCatalog } from "../menu/ports.ts";
import type { CreateOrderInput, PricedLine } from "./schema.ts";

export interface PricedOrder {
  items: PricedLine[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
}

/** Rounds a non-negative amount of cents half away from zero, after trimming binary float noise. */
export function roundCents(amount: number): number {
  return Math.round(Number(amount.toFixed(6)));
}

/**
 * Prices an order on the server: unit price = size price + option prices; tax per tax class at the store's rate,
 * computed on the class subtotal and rounded once per class (how point-of-sale systems avoid per-line drift).
 */
export function priceOrder(input: CreateOrderInput, menu: MenuCatalog): PricedOrder {
  const store = menu.store(input.storeId);
  const problems: ErrorDetail[] = [];
  if (!store) problems.push({ path: "storeId", message: `unknown store ${input.storeId}` });

  const items: PricedLine[] = [];
  const subtotalByClass = { beverage: 0, prepared_food: 0 };
  input.items.forEach((line, index) => {
    const item = menu.item(line.sku);
    if (!item) {
      problems.push({ path: `items.${index}.sku`, message: `unknown sku ${line.sku}` });
      return;
    }
    const sizePrice = item.prices[line.size];
    if (sizePrice === undefined) {
      const offered = Object.keys(item.prices).join(", ");
      problems.push({ path: `items.${index}.size`, message: `${item.name} comes in ${offered}` });
      return;
    }
    let optionsCents = 0;
    const seen = new Set<string>();
    line.options.forEach((code, optionIndex) => {
      const option = item.options.find((offered) => offered.code === code);
      if (!option) {
        problems.push({ path: `items.${index}.options.${optionIndex}`, message: `${item.name} does not take option ${code}` });
      } else if (seen.has(code)) {
        problems.push({ path: `items.${index}.options.${optionIndex}`, message: `option ${code} given twice` });
      } else {
        seen.add(code);
        optionsCents += option.priceCents;
      }
    });
    const unitPriceCents = sizePrice + optionsCents;
    const lineTotalCents = unitPriceCents * line.quantity;
    subtotalByClass[item.taxClass] += lineTotalCents;
    items.push({ sku: item.sku, name: item.name, size: line.size, quantity: line.quantity, options: [...line.options], unitPriceCents, lineTotalCents });
  });

  if (problems.length > 0 || !store) {
    throw new AppError("VALIDATION_FAILED", "Order cannot be priced", { details: problems });
  }
  const taxCents =
    roundCents(subtotalByClass.beverage * store.taxRates.beverage) +
    roundCents(subtotalByClass.prepared_food * store.taxRates.prepared_food);
  const subtotalCents = subtotalByClass.beverage + subtotalByClass.prepared_food;
  return { items, subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}

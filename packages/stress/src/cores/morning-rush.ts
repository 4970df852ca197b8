import { iteratedSha256, seededRandom } from "./hashing.ts";

/**
 * Morning rush (Order service): the CPU an order costs when the queue at the counter is long. Complex validation
 * (JSON round trip and structural checks), fraud scoring (SHA-256), inventory checks (Fibonacci) and tax
 * (floating point, rounded once to cents).
 */

export interface RushOrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  modifiers: string[];
}

export interface RushOrder {
  orderId: string;
  customerId: string;
  storeId: string;
  lines: RushOrderLine[];
}

export interface RushOrderResult {
  orderId: string;
  valid: boolean;
  fraudScore: number;
  stockChecks: number;
  subtotal: number;
  tax: number;
  total: number;
}

/** Sales tax applied to every order; a round figure keeps the known-answer tests readable. */
export const MORNING_RUSH_TAX_RATE = 0.0825;
const FRAUD_HASH_ROUNDS = 64;
const SKU_COUNT = 40;

/** Fibonacci by plain recursion: exponential on purpose, it is the inventory check's CPU cost. */
export function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/** Rounds money to cents, half away from zero, correcting binary drift (1.005 is stored as 1.00499…). */
export function roundToCents(amount: number): number {
  const cents = Math.abs(amount) * 100;
  const rounded = Math.round(Number(cents.toPrecision(12)));
  return (Math.sign(amount) * rounded) / 100;
}

/** Tax on the whole subtotal, rounded once (per-line rounding would drift by a cent on large orders). */
export function taxFor(subtotal: number, rate: number = MORNING_RUSH_TAX_RATE): number {
  return roundToCents(subtotal * rate);
}

export function rushOrder(seed: number): RushOrder {
  const random = seededRandom(seed);
  const lineCount = 1 + Math.floor(random() * 8);
  return {
    orderId: `rush-${seed}`,
    customerId: `customer-${Math.floor(random() * 10_000)}`,
    storeId: `store-${Math.floor(random() * 50)}`,
    lines: Array.from({ length: lineCount }, () => ({
      sku: `sku-${Math.floor(random() * SKU_COUNT)}`,
      quantity: 1 + Math.floor(random() * 3),
      unitPrice: roundToCents(2 + random() * 5),
      modifiers: random() < 0.5 ? ["oat-milk", "extra-shot"] : [],
    })),
  };
}

function isValidOrder(value: unknown): value is RushOrder {
  if (typeof value !== "object" || value === null) return false;
  const order = value as Partial<RushOrder>;
  return (
    typeof order.orderId === "string" &&
    typeof order.customerId === "string" &&
    Array.isArray(order.lines) &&
    order.lines.length > 0 &&
    order.lines.every(
      (line) =>
        typeof line.sku === "string" &&
        Number.isInteger(line.quantity) &&
        line.quantity > 0 &&
        typeof line.unitPrice === "number" &&
        line.unitPrice > 0 &&
        Array.isArray(line.modifiers),
    )
  );
}

/** Fraud score in [0, 1): the leading 32 bits of an iterated SHA-256 over the order as submitted. */
export function fraudScore(payload: string, rounds: number = FRAUD_HASH_ROUNDS): number {
  return parseInt(iteratedSha256(payload, rounds).slice(0, 8), 16) / 0x1_0000_0000;
}

/** Processes one order as the Order service would during a rush, from its JSON text. */
export function processRushOrder(payload: string): RushOrderResult {
  const parsed: unknown = JSON.parse(payload);
  if (!isValidOrder(parsed)) return { orderId: "", valid: false, fraudScore: 1, stockChecks: 0, subtotal: 0, tax: 0, total: 0 };
  let stockChecks = 0;
  let subtotal = 0;
  for (const line of parsed.lines) {
    // The stock level stand-in depends on the SKU, so each line costs a different, repeatable amount of work.
    const depth = 18 + (Number(line.sku.slice(4)) % 5);
    if (fibonacci(depth) >= line.quantity) stockChecks += 1;
    subtotal += line.unitPrice * line.quantity;
  }
  subtotal = roundToCents(subtotal);
  const tax = taxFor(subtotal);
  return {
    orderId: parsed.orderId,
    valid: true,
    fraudScore: fraudScore(payload),
    stockChecks,
    subtotal,
    tax,
    total: roundToCents(subtotal + tax),
  };
}

/** One unit of morning-rush work: build order `seed`, serialise it and process it. */
export function morningRushUnit(seed: number): RushOrderResult {
  return processRushOrder(JSON.stringify(rushOrder(seed)));
}

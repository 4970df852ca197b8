import { z } from "zod";
import { skuSchema } from "../menu/schema.ts";
import { orderIdSchema, storeIdSchema } from "../order/schema.ts";

/** Most units one update may set or move; a store's shelf never holds more of one SKU than this. */
export const MAX_STOCK_QUANTITY = 100_000;
/** Most units of one SKU an order line may reserve (the order service allows 20 per line, 50 lines). */
export const MAX_RESERVED_PER_SKU = 1_000;
/** Lines of one reservation: the order's at most 50, one DynamoDB transaction item each plus the reservation's own. */
export const MAX_RESERVATION_LINES = 50;

export const storeStatuses = ["open", "closed"] as const;
export type StoreStatus = (typeof storeStatuses)[number];

export const stockLevelSchema = z
  .object({
    sku: z.string(),
    onHand: z.number().int().describe("Units on the shelf, including those held for orders not yet paid."),
    reserved: z.number().int().describe("Units held for orders awaiting payment."),
    available: z.number().int().describe("onHand - reserved: what a new order may take."),
    version: z.number().int().describe("Bumped on every change of the row; the counters apply only newer versions."),
  })
  .meta({ id: "StockLevel" });
export type StockLevel = z.infer<typeof stockLevelSchema>;

export const storeStockSchema = z
  .object({
    storeId: z.string(),
    status: z.enum(storeStatuses),
    items: z.array(stockLevelSchema),
    source: z.enum(["counters", "table"]).describe("`counters`: MemoryDB; `table`: DynamoDB, when MemoryDB is not answering."),
  })
  .meta({ id: "StoreStock", description: "Every SKU a store stocks, with what is on hand, held for orders and free to order." });
export type StoreStock = z.infer<typeof storeStockSchema>;

export const stockUpdateModes = ["set", "adjust"] as const;

export const stockUpdateSchema = z
  .strictObject({
    storeId: storeIdSchema,
    sku: skuSchema,
    mode: z.enum(stockUpdateModes).describe("`set`: onHand becomes quantity; `adjust`: quantity (may be negative) is added to onHand."),
    quantity: z.number().int().min(-MAX_STOCK_QUANTITY).max(MAX_STOCK_QUANTITY),
    reason: z.string().trim().min(1).max(200),
  })
  .refine((update) => update.mode !== "set" || update.quantity >= 0, { path: ["quantity"], message: "a stock level cannot be negative" })
  .refine((update) => update.mode !== "adjust" || update.quantity !== 0, { path: ["quantity"], message: "an adjustment of 0 changes nothing" })
  .meta({ id: "StockUpdate", description: "A restock, a count or a write-off of one SKU in one store, with its reason." });
export type StockUpdate = z.infer<typeof stockUpdateSchema>;

export const stockUpdateResultSchema = z
  .object({ storeId: z.string(), level: stockLevelSchema, changeId: z.string(), replayed: z.boolean() })
  .meta({ id: "StockUpdateResult" });
export type StockUpdateResult = z.infer<typeof stockUpdateResultSchema>;


export const reservationLineSchema = z.strictObject({ sku: skuSchema, quantity: z.number().int().min(1).max(MAX_RESERVED_PER_SKU) });
export type ReservationLine = z.infer<typeof reservationLineSchema>;

export const reservationRequestSchema = z
  .strictObject({
    orderId: orderIdSchema,
    storeId: storeIdSchema,
    lines: z.array(reservationLineSchema).min(1).max(MAX_RESERVATION_LINES),
  })
  .meta({ id: "ReservationRequest", description: "Every line of one order, reserved all or nothing." });
export type ReservationRequest = z.infer<typeof reservationRequestSchema>;

/** `returned`: committed, then the order was cancelled before it was made and the units went back on the shelf. */
export const reservationStatuses = ["held", "committed", "released", "returned"] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

export const reservationSchema = z
  .object({
    orderId: z.string(),
    storeId: z.string(),
    status: z.enum(reservationStatuses),
    lines: z.array(reservationLineSchema),
    expiresAt: z.iso.datetime(),
    releaseReason: z.string().optional(),
  })
  .meta({ id: "Reservation" });
export type Reservation = z.infer<typeof reservationSchema>;

export const reserveResultSchema = z
  .discriminatedUnion("outcome", [
    z.object({ outcome: z.literal("reserved"), reservation: reservationSchema, replayed: z.boolean() }),
    z.object({
      outcome: z.literal("out-of-stock"),
      sku: z.string(),
      requested: z.number().int(),
      available: z.number().int().describe("0 for a SKU the store does not stock."),
    }),
    z.object({ outcome: z.literal("closed"), reservation: reservationSchema.describe("Committed or released before this request.") }),
    z.object({ outcome: z.literal("store-unavailable"), storeId: z.string(), reason: z.enum(["closed", "unknown"]) }),
  ])
  .meta({ id: "ReserveResult" });
export type ReserveResult = z.infer<typeof reserveResultSchema>;

export const settleResultSchema = z
  .object({
    outcome: z.enum(["committed", "released", "returned", "already-committed", "already-released", "already-returned", "expired", "not-found"]),
  })
  .meta({
    id: "SettleResult",
    description: "`expired`: a commit of a reservation the sweeper had released; the stock was not taken. `returned`: a committed order's units back in stock.",
  });
export type SettleResult = z.infer<typeof settleResultSchema>;

/** Merges lines naming one SKU twice: a DynamoDB transaction may touch each item once. */
export function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : 1));
}

/**
 * Where the Inventory service takes reservations: outside its public prefix, so the ALB and the gateway never route
 * them; the order service reaches them over VPC Lattice (IAM-signed) when deployed, and directly on the laptop.
 */
export const RESERVATIONS_PATH = "/internal/reservations";

export const releaseRequestSchema = z.strictObject({ reason: z.string().trim().min(1).max(200) }).meta({ id: "ReleaseRequest" });

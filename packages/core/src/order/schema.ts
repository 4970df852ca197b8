import { z } from "zod";
import { sizes, skuSchema } from "../menu/schema.ts";

export const MAX_ITEM_QUANTITY = 20;
export const MAX_ORDER_LINES = 50;
export const MAX_OPTIONS_PER_LINE = 8;

const identifier = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, "must be letters, digits, '_', '.', ':' or '-'");

export const orderLineInputSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(MAX_ITEM_QUANTITY),
  size: z.enum(sizes),
  options: z.array(z.string().min(1).max(40)).max(MAX_OPTIONS_PER_LINE).default([]),
}).meta({ id: "OrderLineInput" });

export const createOrderSchema = z
  .strictObject({
    customerId: identifier,
    storeId: identifier,
    items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
  })
  .meta({ id: "CreateOrder", description: "What the customer asks for; the server prices it from the menu." });
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const orderStatuses = ["PENDING", "PAID", "PAYMENT_FAILED", "REJECTED", "PREPARING", "READY", "COLLECTED", "CANCELLED", "REFUNDED"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * The barista's stages after payment, in order: each is reached only from the one before it (`PAID` -> `PREPARING`
 * -> `READY` -> `COLLECTED`), so a repeated or late click can never move an order backwards or skip a stage.
 */
export const baristaStages = ["PREPARING", "READY", "COLLECTED"] as const;
export type BaristaStage = (typeof baristaStages)[number];
export const previousStatus: Readonly<Record<BaristaStage, OrderStatus>> = { PREPARING: "PAID", READY: "PREPARING", COLLECTED: "READY" };
/** A paid order the barista can still cancel (refunding it): not yet collected. */
export const cancellableStatuses = ["PAID", "PREPARING", "READY"] as const satisfies readonly OrderStatus[];
export const cancelOrderSchema = z
  .strictObject({ reason: z.string().trim().min(1).max(200).describe("Why the store cancelled it; the customer sees it.") })
  .meta({ id: "CancelOrder" });
export type CancelOrderInput = z.infer<typeof cancelOrderSchema>;

/** What a store's queue shows: paid and not yet collected. */
export const queuedStatuses = ["PAID", "PREPARING", "READY"] as const satisfies readonly OrderStatus[];

export const advanceOrderSchema = z
  .strictObject({ stage: z.enum(baristaStages).describe("The stage the order moves to; only from the stage before it.") })
  .meta({ id: "AdvanceOrder" });
export type AdvanceOrderInput = z.infer<typeof advanceOrderSchema>;

/** A customer's order history, newest first, a page at a time. */
export const MAX_ORDER_PAGE = 50;
export const listOrdersQuerySchema = z.object({
  customerId: identifier,
  limit: z.coerce.number().int().min(1).max(MAX_ORDER_PAGE).default(20),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, "must be the nextCursor of an earlier page")
    .optional()
    .describe("`nextCursor` of the previous page"),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

/** The most orders a store's queue returns (a barista's screen; the rest wait their turn). */
export const MAX_STORE_QUEUE = 100;
export const storeIdSchema = identifier;

/** Order ids are `ord_` + a UUIDv7 in hex: time-ordered (index-friendly) and unguessable. */
export const ORDER_ID_PATTERN = /^ord_[0-9a-f]{32}$/;
export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, "must be an order id like ord_0193…");

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

const cents = z.number().int();

export const pricedLineSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    size: z.string(),
    quantity: z.number().int(),
    options: z.array(z.string()),
    unitPriceCents: cents,
    lineTotalCents: cents,
  })
  .meta({ id: "PricedLine" });
export type PricedLine = z.infer<typeof pricedLineSchema>;

export const orderSchema = z
  .object({
    orderId: orderIdSchema,
    customerId: z.string(),
    storeId: z.string(),
    status: z.enum(orderStatuses),
    items: z.array(pricedLineSchema),
    subtotalCents: cents,
    taxCents: cents,
    totalCents: cents,
    currency: z.literal("USD"),
    paymentId: z.string().optional(),
    failureReason: z.string().optional(),
    paidAt: z.iso.datetime().optional().describe("When the payment was captured; kept through the stages and a refund."),
    version: z.number().int().describe("Bumped on every state change; projections use it to ignore stale writes."),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Order", description: "An order as the server priced it, with its payment status." });
export type Order = z.infer<typeof orderSchema>;

export const orderPageSchema = z
  .object({
    orders: z.array(orderSchema),
    nextCursor: z.string().optional().describe("Pass as `cursor` for the next (older) page; absent on the last page."),
  })
  .meta({ id: "OrderPage" });
export type OrderPage = z.infer<typeof orderPageSchema>;

export const storeQueueSchema = z
  .object({ storeId: z.string(), orders: z.array(orderSchema).describe("Paid, preparing and ready orders, oldest first.") })
  .meta({ id: "StoreQueue" });
export type StoreQueue = z.infer<typeof storeQueueSchema>;

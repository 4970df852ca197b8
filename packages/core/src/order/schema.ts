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
});

export const createOrderSchema = z.strictObject({
  customerId: identifier,
  storeId: identifier,
  items: z.array(orderLineInputSchema).min(1).max(MAX_ORDER_LINES),
});
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const orderStatuses = ["PENDING", "PAID", "PAYMENT_FAILED", "REJECTED"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Order ids are `ord_` + a UUIDv7 in hex: time-ordered (index-friendly) and unguessable. */
export const ORDER_ID_PATTERN = /^ord_[0-9a-f]{32}$/;
export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, "must be an order id like ord_0193…");

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export interface PricedLine {
  sku: string;
  name: string;
  size: string;
  quantity: number;
  options: string[];
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface Order {
  orderId: string;
  customerId: string;
  storeId: string;
  status: OrderStatus;
  items: PricedLine[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  currency: "USD";
  paymentId?: string | undefined;
  failureReason?: string | undefined;
  /** Bumped on every state change; projections use it to ignore stale writes. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

import { z } from "zod";

/**
 * The analytics pipeline's language: an analytics event per order status change (on `analytics-events`, partition key
 * = store id), and the per-store, per-minute windows the worker aggregates them into.
 */

export const analyticsEventTypes = ["OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderRejected"] as const;
export type AnalyticsEventType = (typeof analyticsEventTypes)[number];

export const analyticsItemSchema = z.object({
  sku: z.string().min(1).max(32),
  category: z.string().min(1).max(32),
  quantity: z.number().int().min(1),
  amountCents: z.number().int().min(0),
});
export type AnalyticsItem = z.infer<typeof analyticsItemSchema>;

/** Store ids as the order service accepts them; analytics writes them into SQL literals, so the alphabet is checked here. */
const storeIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "must be letters, digits, '_', '.', ':' or '-'");

export const analyticsEventSchema = z.object({
  /** The order event's id: a replayed or redelivered event is counted once. */
  eventId: z.string().min(1).max(64),
  type: z.enum(analyticsEventTypes),
  orderId: z.string().min(1).max(64),
  storeId: storeIdSchema,
  /** Event time: when the order changed state (windows are on event time, not on arrival). */
  occurredAt: z.iso.datetime({ offset: true }),
  totalCents: z.number().int().min(0),
  items: z.array(analyticsItemSchema).max(100),
  traceparent: z.string().optional(),
});
export type AnalyticsEvent = z.infer<typeof analyticsEventSchema>;

/** What one store sold of one SKU in a window. */
export interface ItemSales {
  sku: string;
  category: string;
  quantity: number;
  revenueCents: number;
}

/** A store's 1-minute window: placed and paid orders, revenue and items of the paid orders. */
export interface StoreWindow {
  storeId: string;
  /** Epoch milliseconds of the window's first instant (a whole minute). */
  windowStartMs: number;
  ordersPlaced: number;
  ordersPaid: number;
  revenueCents: number;
  items: ItemSales[];
}

export const averageTicketCents = (window: Pick<StoreWindow, "ordersPaid" | "revenueCents">) =>
  window.ordersPaid === 0 ? 0 : Math.round(window.revenueCents / window.ordersPaid);

/** The read API's view of a window. */
export const minuteWindowSchema = z
  .object({
    windowStart: z.iso.datetime(),
    ordersPlaced: z.number().int(),
    ordersPaid: z.number().int(),
    revenueCents: z.number().int(),
    items: z.array(z.object({ sku: z.string(), category: z.string(), quantity: z.number().int(), revenueCents: z.number().int() })),
    averageTicketCents: z.number().int(),
  })
  .meta({ id: "MinuteWindow", description: "One store's one-minute window, on event time; revenue and items are those of paid orders." });
export type MinuteWindow = z.infer<typeof minuteWindowSchema>;

export const storeSummarySchema = z
  .object({
    storeId: z.string(),
    ordersPlaced: z.number().int(),
    ordersPaid: z.number().int(),
    revenueCents: z.number().int(),
    averageTicketCents: z.number().int(),
  })
  .meta({ id: "StoreSummary" });
export type StoreSummary = z.infer<typeof storeSummarySchema>;

/** The longest period `GET /stores/:storeId/minutes` answers for. */
export const MAX_MINUTES_RANGE_MS = 24 * 60 * 60_000;
export const WINDOW_MS = 60_000;

export const windowStartOf = (epochMs: number, windowMs = WINDOW_MS) => Math.floor(epochMs / windowMs) * windowMs;

export function toMinuteWindow(window: StoreWindow): MinuteWindow {
  return {
    windowStart: new Date(window.windowStartMs).toISOString(),
    ordersPlaced: window.ordersPlaced,
    ordersPaid: window.ordersPaid,
    revenueCents: window.revenueCents,
    items: window.items,
    averageTicketCents: averageTicketCents(window),
  };
}

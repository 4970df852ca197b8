import { z } from "zod";
import type { OrderEventType } from "../order/messages.ts";
import type { AnalyticsEvent, AnalyticsEventType } from "./schema.ts";

/**
 * An `order-events` record as the analytics consumer reads it: what it needs of the order service's OrderEvent,
 * checked, since the stream is another service's contract. `items` is absent on events published before it existed.
 */
export const orderEventRecordSchema = z.object({
  eventId: z.string().min(1).max(64),
  /** Any order event type: those analytics does not count (the order's preparation) are passed over, not refused. */
  type: z.string().min(1).max(64),
  occurredAt: z.iso.datetime({ offset: true }),
  order: z.object({
    orderId: z.string().min(1).max(64),
    storeId: z.string().min(1).max(64),
    totalCents: z.number().int().min(0),
  }),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1), lineTotalCents: z.number().int().min(0) })).default([]),
  traceparent: z.string().optional(),
});
export type OrderEventRecord = z.infer<typeof orderEventRecordSchema>;

const analyticsTypeOf: Partial<Record<OrderEventType, AnalyticsEventType>> = {
  OrderCreated: "OrderPlaced",
  OrderPaid: "OrderPaid",
  OrderPaymentFailed: "OrderPaymentFailed",
  OrderRejected: "OrderRejected",
};

/** A SKU's menu category; `undefined` when the menu does not know it (any more). */
export type CategoryOf = (sku: string) => string | undefined;
export const UNKNOWN_CATEGORY = "uncategorized";

/**
 * The analytics event of an order event: same id (so redelivery dedupes), the store, the items with their category;
 * undefined for an order event analytics does not count (preparation, readiness, collection).
 */
export function toAnalyticsEvent(event: OrderEventRecord, categoryOf: CategoryOf): AnalyticsEvent | undefined {
  const type = analyticsTypeOf[event.type as OrderEventType];
  if (!type) return undefined;
  return {
    eventId: event.eventId,
    type,
    orderId: event.order.orderId,
    storeId: event.order.storeId,
    occurredAt: event.occurredAt,
    totalCents: event.order.totalCents,
    items: event.items.map((line) => ({
      sku: line.sku,
      category: categoryOf(line.sku) ?? UNKNOWN_CATEGORY,
      quantity: line.quantity,
      amountCents: line.lineTotalCents,
    })),
    ...(event.traceparent ? { traceparent: event.traceparent } : {}),
  };
}

import { randomUUID } from "node:crypto";
import type { Order } from "./schema.ts";

export type OrderEventType = "OrderCreated" | "OrderPaid" | "OrderPaymentFailed" | "OrderRejected";

/** Record on the `order-events` stream (partition key: customer id). Consumers dedupe on `eventId`. */
export interface OrderEvent {
  eventId: string;
  type: OrderEventType;
  occurredAt: string;
  order: Pick<Order, "orderId" | "customerId" | "storeId" | "status" | "totalCents" | "currency" | "version">;
}

export function orderEvent(type: OrderEventType, order: Order): OrderEvent {
  const { orderId, customerId, storeId, status, totalCents, currency, version } = order;
  return {
    eventId: randomUUID(),
    type,
    occurredAt: order.updatedAt,
    order: { orderId, customerId, storeId, status, totalCents, currency, version },
  };
}

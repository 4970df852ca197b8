import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Order } from "./schema.ts";

/** Body of a message on `order-submission-queue`: an accepted order waiting for the validation step. */
export const orderSubmittedSchema = z.object({
  type: z.literal("OrderSubmitted"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
});
export type OrderSubmitted = z.infer<typeof orderSubmittedSchema>;

export type OrderEventType =
  | "OrderCreated"
  | "OrderPaid"
  | "OrderPaymentFailed"
  | "OrderRejected"
  | "OrderPreparing"
  | "OrderReady"
  | "OrderCollected"
  | "OrderCancelled"
  | "OrderRefunded";

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

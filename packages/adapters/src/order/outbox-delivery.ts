import type { ActiveOrderView, OrderCache, OrderEvent, OrderReady, OrderSubmitted, OutboxMessage, PaymentRequestSender, StockReservations } from "@cloudcafe/core";
import type { DeliverOutboxMessage } from "./postgres-outbox-relay.ts";

export interface OrderOutboxTargets {
  activeOrders: ActiveOrderView;
  cache: Pick<OrderCache, "invalidate">;
  events: { publish(event: OrderEvent): Promise<void> };
  submissions: { submit(message: OrderSubmitted): Promise<void> };
  /** The payment queue, for refunds (the FIFO queue's content-based dedup drops a resend). */
  payments: PaymentRequestSender;
  /** `notification-queue`, for the milestones the order service itself reaches (READY). */
  notifications: { send(message: OrderReady): Promise<void> };
  /** Absent where stock is not tracked: no `stock.settle` row is written then. */
  stock?: Pick<StockReservations, "settle">;
}

/** Where each kind of order side effect goes. Every target is idempotent or tolerant of redelivery. */
export function orderOutboxDelivery(targets: OrderOutboxTargets): DeliverOutboxMessage {
  return async (message: OutboxMessage) => {
    switch (message.kind) {
      case "active-order.project":
        return targets.activeOrders.project(message.order);
      case "order-cache.invalidate":
        return targets.cache.invalidate(message.orderId, message.version);
      case "order-event.publish":
        return targets.events.publish(message.event);
      case "order.submit":
        return targets.submissions.submit({ type: "OrderSubmitted", orderId: message.orderId, customerId: message.customerId });
      case "stock.settle":
        if (!targets.stock) throw new Error(`no Inventory service to ${message.action} the stock of ${message.orderId}`);
        return targets.stock.settle(message.orderId, message.action, message.reason);
      case "payment.refund":
        return targets.payments.send(message.request);
      case "notification.send":
        return targets.notifications.send(message.message);
    }
  };
}

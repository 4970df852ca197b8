import { formatUsd } from "./format.ts";
import type { NotificationSource } from "./messages.ts";
import type { Milestone, Notification } from "./schema.ts";

/**
 * The customer's notification for a milestone message (every payment result and READY is one). Built only from the
 * message, so a redelivery builds the same notification, with the same id.
 */
export function notificationFor(message: NotificationSource): Notification {
  if (message.type === "OrderReady") {
    return build(message.orderId, message.customerId, "ready", message.occurredAt, "Your order is ready", `Order ${shortId(message.orderId)} is ready for pickup.`);
  }
  const amount = formatUsd(message.amountCents);
  switch (message.outcome) {
    case "CAPTURED":
      return build(message.orderId, message.customerId, "paid", message.processedAt, "Payment received", `We charged ${amount} for order ${shortId(message.orderId)}; the barista has it.`);
    case "DECLINED":
      return build(
        message.orderId,
        message.customerId,
        "payment_failed",
        message.processedAt,
        "Payment failed",
        `Your payment of ${amount} for order ${shortId(message.orderId)} was declined${message.declineReason ? ` (${message.declineReason.replaceAll("_", " ")})` : ""}; nothing was charged.`,
      );
    case "REFUNDED":
      return build(message.orderId, message.customerId, "refunded", message.processedAt, "Refund issued", `The store cancelled order ${shortId(message.orderId)}; ${amount} is on its way back to you.`);
  }
}

/** The number the pickup board shows: the order id's last four hex digits. */
const shortId = (orderId: string) => `#${orderId.slice(-4).toUpperCase()}`;

function build(orderId: string, customerId: string, milestone: Milestone, createdAt: string, title: string, body: string): Notification {
  return { notificationId: `${orderId}:${milestone}`, customerId, orderId, milestone, title, body, createdAt };
}

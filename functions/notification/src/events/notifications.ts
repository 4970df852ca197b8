import { sqsBatchHandler } from "@cloudcafe/adapters";
import { notificationFor, notificationSourceSchema } from "@cloudcafe/core";
import { createNotificationRuntime } from "../runtime.ts";

/**
 * `notification-queue` -> the customer: payment results (SNS fan-out, live traffic only) and the order service's
 * READY become one notification per order and milestone; a redelivery finds it delivered and sends nothing. A message
 * that breaks its contract fails alone and reaches the queue's DLQ.
 */
const runtime = createNotificationRuntime();

export const handler = sqsBatchHandler({
  message: "order milestone",
  schema: notificationSourceSchema,
  logger: runtime.logger,
  metrics: runtime.metrics,
  contextOf: (message) => ({ customerId: message.customerId, orderId: message.orderId }),
  async handle(message) {
    const notification = notificationFor(message);
    const outcome = await runtime.channel.deliver(notification);
    runtime.metrics.put(outcome === "delivered" ? "NotificationsSent" : "DuplicateNotifications", 1, "Count", { milestone: notification.milestone });
    runtime.logger.info(outcome === "delivered" ? "notification sent" : "notification already sent", { milestone: notification.milestone, notificationId: notification.notificationId });
  },
});

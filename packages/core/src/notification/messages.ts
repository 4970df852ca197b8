import { z } from "zod";
import { paymentResultSchema } from "../payment/messages.ts";

/** Sent by the order service (outbox) when the barista marks an order READY. */
export const orderReadySchema = z.object({
  type: z.literal("OrderReady"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  storeId: z.string().min(1),
  occurredAt: z.iso.datetime(),
});
export type OrderReady = z.infer<typeof orderReadySchema>;

/** What `notification-queue` carries: payment results (raw SNS delivery) and the order service's READY. */
export const notificationSourceSchema = z.discriminatedUnion("type", [paymentResultSchema, orderReadySchema]);
export type NotificationSource = z.infer<typeof notificationSourceSchema>;

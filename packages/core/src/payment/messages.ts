import { z } from "zod";

/** Money is carried in integer cents end to end; rounding happens once, when the order is priced. */
export const cents = z.number().int().nonnegative();

/**
 * Body of a message on `payment-processing-queue.fifo`. Deterministic for a given order (no timestamps, no trace
 * ids: those travel as message attributes), so the queue's content-based deduplication drops a resend.
 */
export const paymentRequestedSchema = z.object({
  type: z.literal("PaymentRequested"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amountCents: cents,
  currency: z.literal("USD"),
});
export type PaymentRequested = z.infer<typeof paymentRequestedSchema>;

/**
 * Body of a refund on `payment-processing-queue.fifo`: an order cancelled after it was paid gets its money back.
 * In the customer's message group, after the payment it refunds; deterministic like a payment request.
 */
export const refundRequestedSchema = z.object({
  type: z.literal("RefundRequested"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  /** The captured payment being refunded. */
  paymentId: z.string().min(1),
  amountCents: cents,
  currency: z.literal("USD"),
  reason: z.string().min(1).max(200),
});
export type RefundRequested = z.infer<typeof refundRequestedSchema>;

/** What `payment-processing-queue.fifo` carries. */
export const paymentQueueMessageSchema = z.discriminatedUnion("type", [paymentRequestedSchema, refundRequestedSchema]);
export type PaymentQueueMessage = z.infer<typeof paymentQueueMessageSchema>;

/** CAPTURED and DECLINED settle a payment; REFUNDED settles the refund of a captured one. */
export const paymentOutcomes = ["CAPTURED", "DECLINED", "REFUNDED"] as const;
export type PaymentOutcome = (typeof paymentOutcomes)[number];

/** Body of a message on the `payment-results` topic (raw delivery to its subscriber queues). */
export const paymentResultSchema = z.object({
  type: z.literal("PaymentResult"),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  paymentId: z.string().min(1),
  outcome: z.enum(paymentOutcomes),
  amountCents: cents,
  currency: z.literal("USD"),
  /** Gateway's reason for a decline (e.g. `insufficient_funds`). */
  declineReason: z.string().optional(),
  processedAt: z.string(),
});
export type PaymentResult = z.infer<typeof paymentResultSchema>;

import { z } from "zod";
import { cents, paymentOutcomes } from "./messages.ts";

/** One payment per order: the id is derived from the order, so every redelivery lands on the same record. */
export function paymentIdFor(orderId: string): string {
  return `pay_${orderId}`;
}

/** At most one refund per order, recorded in the same log under its own id. */
export function refundIdFor(orderId: string): string {
  return `ref_${orderId}`;
}

export const paymentStatuses = ["PENDING", ...paymentOutcomes] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** A row of the payment transaction log. PENDING means claimed and possibly charged, but not yet settled. */
export const paymentTransactionSchema = z.object({
  paymentId: z.string().min(1),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  amountCents: cents,
  currency: z.literal("USD"),
  status: z.enum(paymentStatuses),
  createdAt: z.string(),
  gatewayReference: z.string().optional(),
  declineReason: z.string().optional(),
  processedAt: z.string().optional(),
});
export type PaymentTransaction = z.infer<typeof paymentTransactionSchema>;

export type PendingPayment = PaymentTransaction & { status: "PENDING" };
export type SettledPayment = PaymentTransaction & { status: (typeof paymentOutcomes)[number]; processedAt: string };

/** How a claimed payment ended, as written when it is settled. */
export type Settlement =
  | { status: "CAPTURED"; gatewayReference: string; processedAt: string }
  | { status: "DECLINED"; declineReason: string; processedAt: string }
  | { status: "REFUNDED"; gatewayReference: string; processedAt: string };

export function isSettled(transaction: PaymentTransaction): transaction is SettledPayment {
  return transaction.status !== "PENDING" && transaction.processedAt !== undefined;
}

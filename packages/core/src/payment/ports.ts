import type { PaymentRequested, PaymentResult } from "./messages.ts";
import type { PaymentTransaction, PendingPayment, SettledPayment, Settlement } from "./schema.ts";

/** What the processor asks a card gateway (Stripe, Square, ...) to do. */
export interface ChargeRequest {
  /**
   * Same key on every attempt for one payment: a gateway that already charged under this key answers with the
   * first result instead of charging again, which covers a crash between the charge and its bookkeeping.
   */
  idempotencyKey: string;
  customerId: string;
  amountCents: number;
  currency: PaymentRequested["currency"];
}

/** A gateway's final answer. A technical failure is not an answer: the adapter throws a retryable AppError. */
export type ChargeResult =
  | { status: "approved"; gatewayReference: string }
  | { status: "declined"; reason: string };

/** Returns a captured charge's money; the same idempotency key never refunds twice. */
export interface RefundRequest {
  idempotencyKey: string;
  /** The gateway's reference of the charge being refunded (its payment id here). */
  paymentId: string;
  customerId: string;
  amountCents: number;
  currency: PaymentRequested["currency"];
}

export type RefundResult = { status: "refunded"; gatewayReference: string };

export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** A technical failure throws a retryable AppError, as a charge's does. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

/**
 * The transaction log is what makes redelivery safe: only one delivery can claim a payment, and a settled
 * payment is never settled again.
 */
export interface PaymentTransactionLog {
  /** Writes the PENDING record unless one exists; returns the existing record when it does. */
  claim(payment: PendingPayment): Promise<PaymentTransaction | undefined>;
  /** Settles a PENDING record; if another delivery settled it first, returns that settlement instead. */
  settle(paymentId: string, settlement: Settlement): Promise<SettledPayment>;
}

/** Tells everyone waiting on a payment (order service, notifications) how it ended. At least once. */
export interface PaymentResultPublisher {
  publish(result: PaymentResult): Promise<void>;
}

import type { PaymentRequested } from "./messages.ts";

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

export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

import { AppError } from "../errors.ts";
import type { PaymentRequested, PaymentResult, RefundRequested } from "./messages.ts";
import type { ChargeResult, PaymentGateway, PaymentResultPublisher, PaymentTransactionLog } from "./ports.ts";
import { isSettled, paymentIdFor, refundIdFor, type PaymentTransaction, type PendingPayment, type SettledPayment, type Settlement } from "./schema.ts";

export interface PaymentProcessorDependencies {
  gateway: PaymentGateway;
  transactions: PaymentTransactionLog;
  results: PaymentResultPublisher;
  now: () => Date;
}

/**
 * How this delivery relates to earlier deliveries of the same request:
 * `first` claimed the payment; `resumed` found it claimed but unsettled (an earlier attempt failed midway) and
 * charged again under the same idempotency key; `duplicate` found it settled and only re-published the result.
 */
export type Delivery = "first" | "resumed" | "duplicate";

export interface ProcessedPayment {
  result: PaymentResult;
  delivery: Delivery;
}

/**
 * Charges an order once, however often its request is delivered: claim the payment in the transaction log,
 * charge under the payment id as idempotency key, settle, then publish. Publishing last means a failed publish
 * is retried by redelivery, which finds the payment settled and publishes the stored result again.
 */
export async function processPayment(request: PaymentRequested, deps: PaymentProcessorDependencies): Promise<ProcessedPayment> {
  const paymentId = paymentIdFor(request.orderId);
  const existing = await deps.transactions.claim(pendingPayment(request, paymentId, deps.now()));
  if (existing) assertSameRequest(existing, request);

  if (existing && isSettled(existing)) {
    const result = paymentResultOf(existing);
    await deps.results.publish(result);
    return { result, delivery: "duplicate" };
  }

  const charge = await deps.gateway.charge({
    idempotencyKey: paymentId,
    customerId: request.customerId,
    amountCents: request.amountCents,
    currency: request.currency,
  });
  const settled = await deps.transactions.settle(paymentId, settlementOf(charge, deps.now()));
  const result = paymentResultOf(settled);
  await deps.results.publish(result);
  return { result, delivery: existing ? "resumed" : "first" };
}

/**
 * Refunds a cancelled order once, however often its request is delivered, the way a payment is charged once: claim
 * the refund in the transaction log (`ref_<order>`), refund under that id as idempotency key, settle, publish.
 */
export async function processRefund(request: RefundRequested, deps: PaymentProcessorDependencies): Promise<ProcessedPayment> {
  const refundId = refundIdFor(request.orderId);
  const existing = await deps.transactions.claim({
    paymentId: refundId,
    orderId: request.orderId,
    customerId: request.customerId,
    amountCents: request.amountCents,
    currency: request.currency,
    status: "PENDING",
    createdAt: deps.now().toISOString(),
  });
  if (existing) assertSameRequest(existing, request);
  if (existing && isSettled(existing)) {
    const result = paymentResultOf(existing);
    await deps.results.publish(result);
    return { result, delivery: "duplicate" };
  }
  const refund = await deps.gateway.refund({
    idempotencyKey: refundId,
    paymentId: request.paymentId,
    customerId: request.customerId,
    amountCents: request.amountCents,
    currency: request.currency,
  });
  const settled = await deps.transactions.settle(refundId, { status: "REFUNDED", gatewayReference: refund.gatewayReference, processedAt: deps.now().toISOString() });
  const result = paymentResultOf(settled);
  await deps.results.publish(result);
  return { result, delivery: existing ? "resumed" : "first" };
}

function pendingPayment(request: PaymentRequested, paymentId: string, now: Date): PendingPayment {
  return {
    paymentId,
    orderId: request.orderId,
    customerId: request.customerId,
    amountCents: request.amountCents,
    currency: request.currency,
    status: "PENDING",
    createdAt: now.toISOString(),
  };
}

/** A different request for an already claimed order is a bug upstream; it must not pass as a redelivery. */
function assertSameRequest(existing: PaymentTransaction, request: Pick<PaymentRequested, "customerId" | "amountCents">): void {
  if (existing.customerId === request.customerId && existing.amountCents === request.amountCents) return;
  throw new AppError("CONFLICT", `Payment ${existing.paymentId} was requested before with a different customer or amount`, {
    retryable: false,
  });
}

function settlementOf(charge: ChargeResult, now: Date): Settlement {
  const processedAt = now.toISOString();
  return charge.status === "approved"
    ? { status: "CAPTURED", gatewayReference: charge.gatewayReference, processedAt }
    : { status: "DECLINED", declineReason: charge.reason, processedAt };
}

/** The published result is rebuilt from the stored record, so every re-publish of a payment is identical. */
export function paymentResultOf(payment: SettledPayment): PaymentResult {
  return {
    type: "PaymentResult",
    orderId: payment.orderId,
    customerId: payment.customerId,
    paymentId: payment.paymentId,
    outcome: payment.status,
    amountCents: payment.amountCents,
    currency: payment.currency,
    ...(payment.status === "DECLINED" && payment.declineReason ? { declineReason: payment.declineReason } : {}),
    processedAt: payment.processedAt,
  };
}

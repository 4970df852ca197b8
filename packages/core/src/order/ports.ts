import type { ReservationRequest, ReserveResult } from "../inventory/schema.ts";
import type { MenuCatalog } from "../menu/ports.ts";
import type { OrderReady } from "../notification/messages.ts";
import type { PaymentQueueMessage, RefundRequested } from "../payment/messages.ts";
import type { OrderEvent } from "./messages.ts";
import type { Order, OrderStatus } from "./schema.ts";

/**
 * Side effects that must follow a state change. They are written to the outbox in the same transaction as the
 * change, so an order the client was told about is never half-published: the relay delivers them at least once.
 */
export type OutboxMessage =
  | { kind: "active-order.project"; order: Order }
  | { kind: "order-event.publish"; event: OrderEvent }
  | { kind: "order.submit"; orderId: string; customerId: string }
  /** A cancelled paid order's refund, to the payment queue in the customer's group. */
  | { kind: "payment.refund"; request: RefundRequested }
  /** A milestone the customer is told about (READY), to `notification-queue`. */
  | { kind: "notification.send"; message: OrderReady }
  /** `version`: the order's version after the change; cached copies older than it are stale. */
  | { kind: "order-cache.invalidate"; orderId: string; version: number }
  /** The order's stock reservation settled with the Inventory service: taken when paid, given back otherwise. */
  | { kind: "stock.settle"; orderId: string; action: StockSettlement; reason: string };

export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

export interface CreateResult {
  order: Order;
  /** False when the idempotency key had already created this order. */
  created: boolean;
  /** Fingerprint stored with the key (compare to detect a reused key with another body). */
  storedFingerprint?: string | undefined;
  outboxIds: string[];
}

export interface TransitionResult {
  order: Order;
  outboxIds: string[];
}

/** System of record (Aurora PostgreSQL): orders, idempotency keys and the outbox, changed atomically. */
export interface OrderRepository {
  create(order: Order, idempotency: IdempotencyClaim | undefined, outbox: OutboxMessage[]): Promise<CreateResult>;
  get(orderId: string): Promise<Order | undefined>;
  /** A customer's orders, newest first, strictly older than `before` when given. */
  listByCustomer(customerId: string, page: { limit: number; before?: OrderPosition | undefined }): Promise<Order[]>;
  /** A store's orders in these statuses, oldest first. */
  listByStore(storeId: string, statuses: readonly OrderStatus[], limit: number): Promise<Order[]>;
  /** Moves an order from one of `from` to the patch's status (bumping version); undefined when it was not in `from`. */
  transition(
    orderId: string,
    from: readonly OrderStatus[],
    patch: Pick<Order, "status"> & Partial<Pick<Order, "paymentId" | "failureReason">>,
    outbox: (order: Order) => OutboxMessage[],
  ): Promise<TransitionResult | undefined>;
}

/** Where an order sits in a customer's history: creation time, then id (ids are time-ordered, so unique ties). */
export interface OrderPosition {
  createdAt: string;
  orderId: string;
}

/** Hot copy of live orders (DynamoDB `active-orders`, 24 h TTL). */
export interface ActiveOrderView {
  get(orderId: string): Promise<Order | undefined>;
  /** Writes the order unless a same-or-newer version is already there. */
  project(order: Order): Promise<void>;
}

/** Read-through cache (Redis). Failures degrade to a miss; they never fail a request. */
/**
 * Read-through cache of orders, version-checked: `set` never replaces a newer copy, and `invalidate(orderId, version)`
 * keeps any copy older than `version` out, so a reader that fetched the order just before a change cannot re-cache
 * the old version after the invalidation.
 */
export interface OrderCache {
  get(orderId: string): Promise<Order | undefined>;
  set(order: Order): Promise<void>;
  invalidate(orderId: string, version: number): Promise<void>;
}

/** Delivers the given outbox rows now; whatever fails stays in the outbox for the background relay. */
export interface OutboxDispatcher {
  dispatch(ids: readonly string[]): Promise<void>;
}

/** Sends a payment request to `payment-processing-queue.fifo` (group = customer). */
export interface PaymentRequestSender {
  send(request: PaymentQueueMessage): Promise<void>;
}

/** The menu an order is priced from. `stale`: the last menu known, kept because the Menu service is not answering. */
export interface MenuSnapshot {
  catalog: MenuCatalog;
  stale: boolean;
}

/** Where the order service gets its prices (the Menu service); with no menu known at all it fails DEPENDENCY_UNAVAILABLE. */
export interface MenuSource {
  current(): Promise<MenuSnapshot>;
}

/** `return`: a paid order the store cancelled before making it puts its units back. */
export type StockSettlement = "commit" | "release" | "return";

/**
 * The Inventory service's stock reservations, idempotent per order id: reserve every line before payment is asked
 * for, commit once paid, release when the order will not be paid. A failure to reach it throws (the caller retries).
 */
export interface StockReservations {
  reserve(request: ReservationRequest): Promise<ReserveResult>;
  settle(orderId: string, action: StockSettlement, reason: string): Promise<void>;
}

import { AppError } from "../errors.ts";
import type { MenuCatalog } from "../menu/ports.ts";
import type { PaymentRequested, PaymentResult } from "../payment/messages.ts";
import { orderEvent } from "./messages.ts";
import { newOrderId, requestFingerprint } from "./ids.ts";
import type {
  ActiveOrderView,
  MenuSource,
  OrderCache,
  OrderPosition,
  OrderRepository,
  OutboxDispatcher,
  OutboxMessage,
  PaymentRequestSender,
  StockReservations,
  StockSettlement,
} from "./ports.ts";
import { reserveOrderStock } from "./stock.ts";
import { priceOrder } from "./pricing.ts";
import {
  type BaristaStage,
  type CreateOrderInput,
  type ListOrdersQuery,
  MAX_STORE_QUEUE,
  type Order,
  type OrderPage,
  previousStatus,
  cancellableStatuses,
  queuedStatuses,
  type StoreQueue,
} from "./schema.ts";
import type { OrderEventType } from "./messages.ts";

export interface OrderServiceDeps {
  repository: OrderRepository;
  activeOrders: ActiveOrderView;
  cache: OrderCache;
  outbox: OutboxDispatcher;
  payments: PaymentRequestSender;
  menu: MenuSource;
  /** Stock reserved before payment (the Inventory service); absent where stock is not tracked (tests of pricing alone). */
  stock?: StockReservations;
  clock?: () => Date;
  /** Reports where a read was served from (for cache-hit metrics). */
  onRead?: (source: "cache" | "active-orders" | "database" | "miss") => void;
}

export interface PlaceOrderResult {
  order: Order;
  replayed: boolean;
}

export interface AdvanceResult {
  order: Order;
  /** False when the order was already at that stage (a repeated click): nothing changed, nothing was published. */
  changed: boolean;
}

const stageEvents: Readonly<Record<BaristaStage, OrderEventType>> = { PREPARING: "OrderPreparing", READY: "OrderReady", COLLECTED: "OrderCollected" };

/** A page cursor: the last order's position, opaque to clients (base64url JSON). */
export function encodeCursor(position: OrderPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.orderId])).toString("base64url");
}

export function decodeCursor(cursor: string): OrderPosition {
  try {
    const [createdAt, orderId] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof createdAt === "string" && !Number.isNaN(Date.parse(createdAt)) && typeof orderId === "string") return { createdAt, orderId };
  } catch {
    // Falls through to the refusal below.
  }
  throw new AppError("VALIDATION_FAILED", "cursor is not the nextCursor of an earlier page", { details: [{ path: "cursor", message: "unrecognised cursor" }] });
}

export type SubmissionOutcome = "payment-requested" | "already-processed" | "rejected" | "not-found";
export type PaymentResultOutcome = "applied" | "duplicate" | "not-found";

/**
 * With the Menu service not answering, an order is priced from the last menu known; what that menu does not know
 * (an item or store added since) is refused as unavailable, to retry, rather than as invalid: it may well exist.
 */
function refuseUnknownPrices(input: CreateOrderInput, catalog: MenuCatalog): void {
  const unknown = [...input.items.map((line) => line.sku).filter((sku) => !catalog.item(sku)), ...(catalog.store(input.storeId) ? [] : [input.storeId])];
  if (unknown.length > 0) {
    throw new AppError("DEPENDENCY_UNAVAILABLE", `The Menu service is not answering and the last menu known has no price for ${unknown.join(", ")}`);
  }
}

export function createOrderService(deps: OrderServiceDeps) {
  const now = () => (deps.clock ?? (() => new Date()))().toISOString();

  /** Side effects of any state change: refresh the hot copy, drop the cached copy, tell the stream. */
  const changed = (order: Order, event: Parameters<typeof orderEvent>[0]): OutboxMessage[] => [
    { kind: "active-order.project", order },
    { kind: "order-cache.invalidate", orderId: order.orderId, version: order.version },
    { kind: "order-event.publish", event: orderEvent(event, order) },
  ];

  /** The reservation follows the order's fate, delivered by the outbox with the change that decides it. */
  const settleStock = (orderId: string, action: StockSettlement, reason: string): OutboxMessage[] =>
    deps.stock ? [{ kind: "stock.settle", orderId, action, reason }] : [];

  async function placeOrder(input: CreateOrderInput, idempotencyKey?: string): Promise<PlaceOrderResult> {
    const menu = await deps.menu.current();
    if (menu.stale) refuseUnknownPrices(input, menu.catalog);
    const priced = priceOrder(input, menu.catalog);
    const timestamp = now();
    const order: Order = {
      orderId: newOrderId(),
      customerId: input.customerId,
      storeId: input.storeId,
      status: "PENDING",
      ...priced,
      currency: "USD",
      version: 1,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    const fingerprint = requestFingerprint(input);
    const claim = idempotencyKey ? { key: idempotencyKey, fingerprint } : undefined;
    const outbox: OutboxMessage[] = [
      { kind: "active-order.project", order },
      { kind: "order-event.publish", event: orderEvent("OrderCreated", order) },
      { kind: "order.submit", orderId: order.orderId, customerId: order.customerId },
    ];
    const result = await deps.repository.create(order, claim, outbox);
    if (!result.created) {
      if (result.storedFingerprint !== fingerprint) {
        throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request body");
      }
      return { order: result.order, replayed: true };
    }
    await deps.outbox.dispatch(result.outboxIds);
    return { order: result.order, replayed: false };
  }

  async function getOrder(orderId: string): Promise<Order> {
    const cached = await deps.cache.get(orderId);
    if (cached) {
      deps.onRead?.("cache");
      return cached;
    }
    let order = await deps.activeOrders.get(orderId).catch(() => undefined);
    let source: "active-orders" | "database" = "active-orders";
    if (!order) {
      order = await deps.repository.get(orderId);
      source = "database";
    }
    if (!order) {
      deps.onRead?.("miss");
      throw new AppError("NOT_FOUND", `Order ${orderId} not found`);
    }
    deps.onRead?.(source);
    await deps.cache.set(order);
    return order;
  }

  /** The validation step between `order-submission-queue` and the payment queue. Idempotent per order. */
  async function submitForPayment(orderId: string): Promise<SubmissionOutcome> {
    const order = await deps.repository.get(orderId);
    if (!order) return "not-found";
    if (order.status !== "PENDING") return "already-processed";
    const problem = revalidate(order) ?? (deps.stock ? await reserveOrderStock(deps.stock, order) : undefined);
    if (problem) {
      const rejected = await deps.repository.transition(orderId, ["PENDING"], { status: "REJECTED", failureReason: problem }, (o) => [
        ...changed(o, "OrderRejected"),
        ...settleStock(o.orderId, "release", `order rejected: ${problem}`),
      ]);
      if (rejected) await deps.outbox.dispatch(rejected.outboxIds);
      return "rejected";
    }
    const request: PaymentRequested = {
      type: "PaymentRequested",
      orderId: order.orderId,
      customerId: order.customerId,
      amountCents: order.totalCents,
      currency: order.currency,
    };
    await deps.payments.send(request);
    return "payment-requested";
  }

  /** Applies a payment result once: PENDING -> PAID / PAYMENT_FAILED; redeliveries are no-ops. */
  async function applyPaymentResult(result: PaymentResult): Promise<PaymentResultOutcome> {
    if (result.outcome === "REFUNDED") {
      // The refund of a cancelled order: CANCELLED -> REFUNDED, once.
      const refunded = await deps.repository.transition(result.orderId, ["CANCELLED"], { status: "REFUNDED" }, (order) => changed(order, "OrderRefunded"));
      if (!refunded) return (await deps.repository.get(result.orderId)) ? "duplicate" : "not-found";
      await deps.outbox.dispatch(refunded.outboxIds);
      return "applied";
    }
    const captured = result.outcome === "CAPTURED";
    const transitioned = await deps.repository.transition(
      result.orderId,
      ["PENDING"],
      captured
        ? { status: "PAID", paymentId: result.paymentId }
        : { status: "PAYMENT_FAILED", paymentId: result.paymentId, failureReason: result.declineReason ?? "declined" },
      (order) => [
        ...changed(order, captured ? "OrderPaid" : "OrderPaymentFailed"),
        ...settleStock(order.orderId, captured ? "commit" : "release", captured ? "order paid" : "payment failed"),
      ],
    );
    if (!transitioned) {
      return (await deps.repository.get(result.orderId)) ? "duplicate" : "not-found";
    }
    await deps.outbox.dispatch(transitioned.outboxIds);
    return "applied";
  }

  /** A customer's history, newest first; `nextCursor` continues strictly after the page's last order. */
  async function listOrders(query: ListOrdersQuery): Promise<OrderPage> {
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    // One more than the page tells whether another page follows, without a count query.
    const found = await deps.repository.listByCustomer(query.customerId, { limit: query.limit + 1, before });
    const orders = found.slice(0, query.limit);
    const last = orders.at(-1);
    return { orders, ...(found.length > query.limit && last ? { nextCursor: encodeCursor(last) } : {}) };
  }

  /** A store's queue for the barista and the pickup board: paid, preparing and ready, oldest first. */
  async function storeQueue(storeId: string): Promise<StoreQueue> {
    return { storeId, orders: await deps.repository.listByStore(storeId, queuedStatuses, MAX_STORE_QUEUE) };
  }

  /**
   * The barista moves a paid order on: PREPARING, READY, COLLECTED, each only from the stage before, with its event
   * in the same transaction (outbox). Asking for the stage the order is already at is answered with the order and
   * changes nothing, so a double click or a retried request is harmless; any other jump is a 409.
   */
  /**
   * The store cancels a paid order it cannot make: CANCELLED with the reason, its event, and the refund request to the
   * payment queue, all in one transaction (outbox), so a cancelled order is always refunded; the payment processor's
   * REFUNDED result then completes it. Cancelling an order already cancelled or refunded answers it unchanged.
   */
  async function cancelOrder(orderId: string, reason: string): Promise<AdvanceResult> {
    const moved = await deps.repository.transition(orderId, cancellableStatuses, { status: "CANCELLED", failureReason: reason }, (order) => [
      ...changed(order, "OrderCancelled"),
      // The cup was not made: its units go back on the shelf.
      ...settleStock(order.orderId, "return", `cancelled by the store: ${reason}`),
      {
        kind: "payment.refund",
        request: {
          type: "RefundRequested",
          orderId: order.orderId,
          customerId: order.customerId,
          paymentId: order.paymentId ?? `pay_${order.orderId}`,
          amountCents: order.totalCents,
          currency: order.currency,
          reason,
        },
      },
    ]);
    if (moved) {
      await deps.outbox.dispatch(moved.outboxIds);
      return { order: moved.order, changed: true };
    }
    const current = await deps.repository.get(orderId);
    if (!current) throw new AppError("NOT_FOUND", `Order ${orderId} not found`);
    if (current.status === "CANCELLED" || current.status === "REFUNDED") return { order: current, changed: false };
    throw new AppError("CONFLICT", `Order ${orderId} is ${current.status}: only a paid order not yet collected can be cancelled`);
  }

  async function advanceOrder(orderId: string, stage: BaristaStage): Promise<AdvanceResult> {
    const from = previousStatus[stage];
    const moved = await deps.repository.transition(orderId, [from], { status: stage }, (order) => [
      ...changed(order, stageEvents[stage]),
      // The customer is told when it is ready, through the notification queue.
      ...(stage === "READY"
        ? [{ kind: "notification.send" as const, message: { type: "OrderReady" as const, orderId: order.orderId, customerId: order.customerId, storeId: order.storeId, occurredAt: order.updatedAt } }]
        : []),
    ]);
    if (moved) {
      await deps.outbox.dispatch(moved.outboxIds);
      return { order: moved.order, changed: true };
    }
    const current = await deps.repository.get(orderId);
    if (!current) throw new AppError("NOT_FOUND", `Order ${orderId} not found`);
    if (current.status === stage) return { order: current, changed: false };
    throw new AppError("CONFLICT", `Order ${orderId} is ${current.status}: it becomes ${stage} only from ${from}`);
  }

  /** Re-checks a stored order before money moves: the totals must still add up. */
  function revalidate(order: Order): string | undefined {
    const lines = order.items.reduce((sum, line) => sum + line.lineTotalCents, 0);
    if (order.items.length === 0) return "order has no items";
    if (lines !== order.subtotalCents) return "line totals do not match subtotal";
    if (order.subtotalCents + order.taxCents !== order.totalCents) return "subtotal plus tax does not match total";
    if (order.totalCents <= 0) return "order total must be positive";
    return undefined;
  }

  return { placeOrder, getOrder, listOrders, storeQueue, advanceOrder, cancelOrder, submitForPayment, applyPaymentResult };
}

export type OrderService = ReturnType<typeof createOrderService>;

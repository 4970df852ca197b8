import { TransactionRollbackError, and, asc, desc, eq, inArray, lt, or, sql as raw } from "drizzle-orm";
import type { CreateResult, IdempotencyClaim, Order, OrderRepository, OrderStatus, OutboxMessage } from "@cloudcafe/core";
import { currentContext } from "@cloudcafe/observability";
import { type Database, toIso } from "../postgres/client.ts";
import { idempotencyKeys, orders, outbox } from "./order.sql.ts";

type OrderRow = typeof orders.$inferSelect;
type Tx = Parameters<Parameters<Database["db"]["transaction"]>[0]>[0];

function toOrder(row: OrderRow): Order {
  return {
    orderId: row.orderId,
    customerId: row.customerId,
    storeId: row.storeId,
    status: row.status as OrderStatus,
    items: row.items,
    subtotalCents: row.subtotalCents,
    taxCents: row.taxCents,
    totalCents: row.totalCents,
    currency: row.currency as "USD",
    ...(row.paymentId ? { paymentId: row.paymentId } : {}),
    ...(row.failureReason ? { failureReason: row.failureReason } : {}),
    ...(row.paidAt ? { paidAt: toIso(row.paidAt) } : {}),
    version: row.version,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** Same kind for the same order: delivered in the order they were written. */
function orderingKey(message: OutboxMessage): string {
  switch (message.kind) {
    case "active-order.project":
      return `${message.kind}:${message.order.orderId}`;
    case "order-event.publish":
      return `${message.kind}:${message.event.order.orderId}`;
    case "order.submit":
    case "order-cache.invalidate":
    case "stock.settle":
      return `${message.kind}:${message.orderId}`;
    case "payment.refund":
      return `${message.kind}:${message.request.orderId}`;
    case "notification.send":
      return `${message.kind}:${message.message.orderId}`;
  }
}

async function enqueue(tx: Tx, messages: OutboxMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const traceId = currentContext().traceId ?? null;
  const rows = await tx
    .insert(outbox)
    .values(messages.map((message) => ({ kind: message.kind, orderingKey: orderingKey(message), message, traceId })))
    .returning({ id: outbox.id });
  return rows.map((r) => r.id.toString());
}

/** Orders, idempotency keys and outbox rows in PostgreSQL, each change in one transaction. */
export function postgresOrderRepository({ db, transaction }: Database): OrderRepository {
  async function get(orderId: string) {
    const [row] = await db.select().from(orders).where(eq(orders.orderId, orderId));
    return row ? toOrder(row) : undefined;
  }

  async function replay(customerId: string, key: string): Promise<CreateResult | undefined> {
    const [existing] = await db
      .select({ order: orders, fingerprint: idempotencyKeys.fingerprint })
      .from(idempotencyKeys)
      .innerJoin(orders, eq(orders.orderId, idempotencyKeys.orderId))
      .where(and(eq(idempotencyKeys.customerId, customerId), eq(idempotencyKeys.key, key)));
    return existing && { order: toOrder(existing.order), created: false, storedFingerprint: existing.fingerprint, outboxIds: [] };
  }

  return {
    get,

    async listByCustomer(customerId, { limit, before }) {
      const older = before
        ? or(lt(orders.createdAt, before.createdAt), and(eq(orders.createdAt, before.createdAt), lt(orders.orderId, before.orderId)))
        : undefined;
      const rows = await db
        .select()
        .from(orders)
        .where(and(eq(orders.customerId, customerId), older))
        .orderBy(desc(orders.createdAt), desc(orders.orderId))
        .limit(limit);
      return rows.map(toOrder);
    },

    async listByStore(storeId, statuses, limit) {
      const rows = await db
        .select()
        .from(orders)
        .where(and(eq(orders.storeId, storeId), inArray(orders.status, [...statuses])))
        .orderBy(asc(orders.createdAt), asc(orders.orderId))
        .limit(limit);
      return rows.map(toOrder);
    },

    async create(order: Order, idempotency: IdempotencyClaim | undefined, messages: OutboxMessage[]) {
      // A retry usually finds its key already stored: answer it without opening a write transaction.
      const earlier = idempotency && (await replay(order.customerId, idempotency.key));
      if (earlier) return earlier;
      const created = await transaction(async (tx) => {
        await tx.insert(orders).values(order);
        if (idempotency) {
          const claimed = await tx
            .insert(idempotencyKeys)
            .values({ customerId: order.customerId, key: idempotency.key, fingerprint: idempotency.fingerprint, orderId: order.orderId })
            .onConflictDoNothing()
            .returning({ key: idempotencyKeys.key });
          // A concurrent request claimed the key first: undo this order and answer with theirs.
          if (claimed.length === 0) tx.rollback();
        }
        return enqueue(tx, messages);
      }).catch((error: unknown) => {
        if (error instanceof TransactionRollbackError) return undefined;
        throw error;
      });
      if (created) return { order, created: true, outboxIds: created };
      const winner = await replay(order.customerId, idempotency!.key);
      if (!winner) throw new Error("idempotency key claimed by a transaction that is not visible");
      return winner;
    },

    async transition(orderId, from, patch, buildOutbox) {
      const now = new Date().toISOString();
      return transaction(async (tx) => {
        const [row] = await tx
          .update(orders)
          .set({
            status: patch.status,
            // A stage change keeps the payment it was paid with; only a payment outcome writes these.
            ...(patch.paymentId !== undefined ? { paymentId: patch.paymentId } : {}),
            ...(patch.failureReason !== undefined ? { failureReason: patch.failureReason } : {}),
            version: raw`${orders.version} + 1`,
            updatedAt: now,
            ...(patch.status === "PAID" ? { paidAt: now } : {}),
          })
          .where(and(eq(orders.orderId, orderId), inArray(orders.status, [...from])))
          .returning();
        if (!row) return undefined;
        const order = toOrder(row);
        return { order, outboxIds: await enqueue(tx, buildOutbox(order)) };
      });
    },
  };
}

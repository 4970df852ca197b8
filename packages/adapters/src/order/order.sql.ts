import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { OutboxMessage, PricedLine } from "@cloudcafe/core";

export const orders = pgTable(
  "orders",
  {
    orderId: text("order_id").primaryKey(),
    customerId: text("customer_id").notNull(),
    storeId: text("store_id").notNull(),
    status: text("status").notNull(),
    items: jsonb("items").$type<PricedLine[]>().notNull(),
    subtotalCents: integer("subtotal_cents").notNull(),
    taxCents: integer("tax_cents").notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    paymentId: text("payment_id"),
    failureReason: text("failure_reason"),
    /** When the payment was captured: set once, by the PAID transition; later stages and a refund keep it. */
    paidAt: timestamp("paid_at", { withTimezone: true, mode: "string" }),
    version: integer("version").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull(),
  },
  (t) => [
    index("orders_customer_created_idx").on(t.customerId, t.createdAt),
    // A store's queue: its paid, preparing and ready orders, oldest first (a partial index stays small).
    index("orders_store_queue_idx")
      .on(t.storeId, t.createdAt)
      .where(sql`${t.status} in ('PAID', 'PREPARING', 'READY')`),
  ],
);

/** Idempotency keys are scoped per customer, like a payment API scopes them per account. */
export const idempotencyKeys = pgTable(
  "order_idempotency_keys",
  {
    customerId: text("customer_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.orderId),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("order_idempotency_keys_pk").on(t.customerId, t.key)],
);

/** Transactional outbox: side effects committed with the state change, delivered at least once by the relay. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    kind: text("kind").notNull(),
    /** Rows with the same key are delivered one at a time, in id order (e.g. an order's events on the stream). */
    orderingKey: text("ordering_key").notNull(),
    message: jsonb("message").$type<OutboxMessage>().notNull(),
    traceId: text("trace_id"),
    attempts: integer("attempts").notNull().default(0),
    availableAt: timestamp("available_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
    leasedUntil: timestamp("leased_until", { withTimezone: true, mode: "string" }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "string" }),
  },
  (t) => [
    index("outbox_pending_idx").on(t.availableAt).where(sql`delivered_at IS NULL`),
    index("outbox_pending_ordering_idx").on(t.orderingKey, t.id).where(sql`delivered_at IS NULL`),
  ],
);

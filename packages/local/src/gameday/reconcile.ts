/**
 * The game day's reconciliation of its own orders: every order the platform accepted exists and settled (nothing
 * lost), every paid one was captured once for its amount and earned its points once, and no declined or failed order
 * was charged; then the analytics warehouse's paid totals against the order database over the run.
 */
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Database } from "@cloudcafe/adapters";
import type { AcceptedOrder } from "./traffic.ts";

/** States an order reaches once paid (PAID, the barista's stages, or cancelled and refunded after payment). */
const PAID_OR_LATER = new Set(["PAID", "PREPARING", "READY", "COLLECTED", "CANCELLED", "REFUNDED"]);
const SETTLED = new Set([...PAID_OR_LATER, "PAYMENT_FAILED", "REJECTED"]);

export interface OrderReconciliation {
  readonly orderId: string;
  readonly at: number;
  /** Its status when reconciled; undefined when the order database does not hold it. */
  readonly status: string | undefined;
  /** Accepted (201) but absent, or still PENDING when the drain ended. */
  readonly lost: boolean;
  /** Captured though the order did not end paid, captured for another amount, or points counted twice. */
  readonly doubleCharged: boolean;
  readonly problems: readonly string[];
}

interface OrderRow {
  order_id: string;
  status: string;
  total_cents: number;
}

/** Waits (up to `timeoutMs`) for the accepted orders to settle, then checks each against payments and points. */
export async function reconcileOrders(
  deps: { readonly database: Database; readonly dynamo: DynamoDBDocumentClient; readonly paymentTable: string },
  accepted: readonly AcceptedOrder[],
  timeoutMs: number,
): Promise<OrderReconciliation[]> {
  const ids = accepted.map((order) => order.orderId);
  const rows = async (): Promise<Map<string, OrderRow>> => {
    const result = await deps.database.query<OrderRow>("SELECT order_id, status, total_cents FROM orders WHERE order_id = ANY($1::text[])", [ids]);
    return new Map(result.map((row) => [row.order_id, row]));
  };
  const ledgerEntries = async (): Promise<Map<string, number>> => {
    const counted = await deps.database.query<{ order_id: string; entries: number }>(
      "SELECT order_id, count(*)::int AS entries FROM loyalty_ledger WHERE order_id = ANY($1::text[]) GROUP BY order_id",
      [ids],
    );
    return new Map(counted.map((row) => [row.order_id, row.entries]));
  };
  // Settling and accrual are asynchronous (queues, retries after a fault): wait for both, up to the deadline.
  const deadline = Date.now() + timeoutMs;
  let orders = await rows();
  let ledger = await ledgerEntries();
  const pending = () =>
    ids.some((id) => {
      const row = orders.get(id);
      return !row || !SETTLED.has(row.status) || (PAID_OR_LATER.has(row.status) && !ledger.has(id));
    });
  while (pending() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    orders = await rows();
    ledger = await ledgerEntries();
  }
  const results: OrderReconciliation[] = [];
  for (const order of accepted) {
    const row = orders.get(order.orderId);
    const problems: string[] = [];
    if (!row) problems.push("accepted but not in the order database");
    else if (!SETTLED.has(row.status)) problems.push(`still ${row.status}`);
    const paid = row !== undefined && PAID_OR_LATER.has(row.status);
    const { Item: payment } = await deps.dynamo.send(new GetCommand({ TableName: deps.paymentTable, Key: { paymentId: `pay_${order.orderId}` }, ConsistentRead: true }));
    let doubleCharged = false;
    if (paid && payment?.status !== "CAPTURED" && payment?.status !== "REFUNDED") problems.push(`paid, but its payment is ${payment?.status ?? "missing"}`);
    if (!paid && payment?.status === "CAPTURED") {
      doubleCharged = true;
      problems.push(`charged, but the order is ${row?.status ?? "missing"}`);
    }
    if (paid && payment && Number(payment.amountCents) !== row!.total_cents) {
      doubleCharged = true;
      problems.push(`captured ${payment.amountCents} for an order of ${row!.total_cents}`);
    }
    const entries = ledger.get(order.orderId) ?? 0;
    if (paid && entries === 0) problems.push("paid, but no points");
    if (entries > 1) {
      doubleCharged = true;
      problems.push(`points counted ${entries} times`);
    }
    results.push({ orderId: order.orderId, at: order.at, status: row?.status, lost: !row || !SETTLED.has(row.status), doubleCharged, problems });
  }
  return results;
}

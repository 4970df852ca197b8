import { mergeLines } from "../inventory/schema.ts";
import type { StockReservations } from "./ports.ts";
import type { Order } from "./schema.ts";

/**
 * Reserves an order's stock before payment is asked for; undefined when every line is held (again, on a redelivery),
 * else why the order cannot be served, naming the SKU, for its `failureReason`.
 */
export async function reserveOrderStock(stock: StockReservations, order: Order): Promise<string | undefined> {
  const lines = mergeLines(order.items.map((line) => ({ sku: line.sku, quantity: line.quantity })));
  const result = await stock.reserve({ orderId: order.orderId, storeId: order.storeId, lines });
  switch (result.outcome) {
    case "reserved":
      return undefined;
    case "out-of-stock":
      return `out of stock: ${result.sku} (${result.available} available, ${result.requested} ordered)`;
    case "store-unavailable":
      return result.reason === "closed" ? `store ${result.storeId} is closed` : `store ${result.storeId} has no inventory`;
    case "closed":
      return `stock reservation already ${result.reservation.status}${result.reservation.releaseReason ? ` (${result.reservation.releaseReason})` : ""}`;
  }
}

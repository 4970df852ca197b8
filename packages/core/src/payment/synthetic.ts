/**
 * Orders the stress scenarios invent (the cold-start avalanche) carry ids with this prefix. The order service
 * never issues one (its ids are `ord_<uuidv7>`), so the payment path can tell rehearsal load from customers' orders
 * without a field in the message contract.
 */
export const SYNTHETIC_ORDER_PREFIX = "synthetic-";

export function isSyntheticOrder(orderId: string): boolean {
  return orderId.startsWith(SYNTHETIC_ORDER_PREFIX);
}

/**
 * How the inventory's entities share `store-inventory` (storeId, sku). Stock rows are keyed by the store and SKU as
 * they are; everything else carries a `#` that no store id or SKU may contain, so a store's Query and the stream
 * consumer tell them apart by key alone.
 */
export const STORE_ROW_SKU = "#store";
const RESERVATION_SKU = "#reservation";
const UPDATE_KEY_SKU = "#update";

export const stockKey = (storeId: string, sku: string) => ({ storeId, sku });
export const storeKey = (storeId: string) => ({ storeId, sku: STORE_ROW_SKU });
export const RESERVATION_PREFIX = "#reservation#";
export const reservationKey = (orderId: string) => ({ storeId: `${RESERVATION_PREFIX}${orderId}`, sku: RESERVATION_SKU });
export const changeKey = (storeId: string, changedAt: string, changeId: string) => ({ storeId: `#change#${storeId}`, sku: `${changedAt}#${changeId}` });
export const updateKeyKey = (idempotencyKey: string) => ({ storeId: `#update-key#${idempotencyKey}`, sku: UPDATE_KEY_SKU });

/** True for a key of a stock row or a store row (the rows the counters mirror); false for reservations and records. */
export const isStoreScoped = (storeId: string) => !storeId.startsWith("#");
export const isStockSku = (sku: string) => !sku.startsWith("#");

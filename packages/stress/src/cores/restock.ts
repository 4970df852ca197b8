import { sha256Hex, seededRandom } from "./hashing.ts";

/**
 * Restock storm (Inventory service): a delivery lands at every store at once. Each SKU's restock record is
 * marshalled to JSON, unmarshalled as the receiving side would, and hashed for the stock ledger; stores are
 * independent, so they run concurrently (one pool task per store).
 */

export const RESTOCK_SKUS_TOTAL = 10_000;
export const RESTOCK_SKUS_PER_STORE = 100;

export interface RestockRecord {
  storeId: string;
  sku: string;
  quantity: number;
  batch: string;
}

export interface StoreRestock {
  storeId: string;
  skus: number;
  unitsReceived: number;
  /** SHA-256 over the store's SKU hashes in order: the ledger entry for the delivery. */
  ledgerDigest: string;
}

export function restockRecord(storeId: string, skuIndex: number): RestockRecord {
  const random = seededRandom(skuIndex * 7919 + storeId.length);
  return { storeId, sku: `sku-${skuIndex}`, quantity: 1 + Math.floor(random() * 48), batch: `batch-${skuIndex % 12}` };
}

export function restockStore(storeId: string, firstSku: number, skuCount: number = RESTOCK_SKUS_PER_STORE): StoreRestock {
  const ledger: string[] = [];
  let unitsReceived = 0;
  for (let index = firstSku; index < firstSku + skuCount; index += 1) {
    const received = JSON.parse(JSON.stringify(restockRecord(storeId, index))) as RestockRecord;
    unitsReceived += received.quantity;
    ledger.push(sha256Hex(`${received.storeId}|${received.sku}|${received.quantity}|${received.batch}`));
  }
  return { storeId, skus: skuCount, unitsReceived, ledgerDigest: sha256Hex(ledger.join("")) };
}

/** One unit of restock work: store `seed` receives its share of the 10K SKUs. */
export function restockUnit(seed: number): StoreRestock {
  const stores = RESTOCK_SKUS_TOTAL / RESTOCK_SKUS_PER_STORE;
  const store = seed % stores;
  return restockStore(`store-${store}`, store * RESTOCK_SKUS_PER_STORE);
}

import { z } from "zod";
import { storeStatuses } from "./schema.ts";

/**
 * A stock row of `store-inventory` as its stream carries it (the item's new or old image, unmarshalled). Validated
 * at the boundary like any message: a row that breaks it fails its stream record, which goes to the on-failure queue.
 */
export const stockRowSchema = z.object({
  storeId: z.string().min(1),
  sku: z.string().min(1),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  version: z.number().int().min(1),
});
export type StockRow = z.infer<typeof stockRowSchema>;

/** A store's own row (`sku` = STORE_ROW_SKU): whether it takes orders. */
export const storeRowSchema = z.object({
  storeId: z.string().min(1),
  status: z.enum(storeStatuses),
  version: z.number().int().min(1),
});
export type StoreRow = z.infer<typeof storeRowSchema>;

/**
 * What one stream record asks of the counters. `version` orders the changes of one row whatever order the shards
 * deliver them in, so applying a change again or an older change after a newer one leaves the counters as they are.
 */
export type CounterChange =
  | { kind: "stock"; row: StockRow; sequenceNumber: string }
  | { kind: "stock-removed"; storeId: string; sku: string; version: number; sequenceNumber: string }
  | { kind: "store"; row: StoreRow; sequenceNumber: string };

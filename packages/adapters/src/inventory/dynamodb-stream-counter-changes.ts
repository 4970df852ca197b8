import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { type CounterChange, parseOrThrow, stockRowSchema, storeRowSchema } from "@cloudcafe/core";
import { isStockSku, isStoreScoped, STORE_ROW_SKU } from "./dynamo-keys.ts";

const imageOf = (image: unknown) => unmarshall(image as Record<string, AttributeValue>);

/**
 * What a `store-inventory` stream record asks of the counters, or undefined for records they do not mirror
 * (reservations, change records, idempotency keys). A row that breaks its schema throws VALIDATION_FAILED.
 */
export function counterChangeOf(record: DynamoDBRecord): CounterChange | undefined {
  const stream = record.dynamodb;
  const keys = stream?.Keys ? imageOf(stream.Keys) : undefined;
  const sequenceNumber = stream?.SequenceNumber;
  if (!keys || !sequenceNumber || !isStoreScoped(String(keys.storeId))) return undefined;
  const sku = String(keys.sku);
  if (record.eventName === "REMOVE") {
    if (!isStockSku(sku)) return undefined;
    const old = stream.OldImage ? imageOf(stream.OldImage) : {};
    // The removal outranks every version the row had.
    return { kind: "stock-removed", storeId: String(keys.storeId), sku, version: Number(old.version ?? 0) + 1, sequenceNumber };
  }
  if (!stream.NewImage) throw new Error(`stream record ${sequenceNumber} has no new image; the stream must be NEW_AND_OLD_IMAGES`);
  const image = imageOf(stream.NewImage);
  if (sku === STORE_ROW_SKU) return { kind: "store", row: parseOrThrow(storeRowSchema, image, "store row"), sequenceNumber };
  if (!isStockSku(sku)) return undefined;
  return { kind: "stock", row: parseOrThrow(stockRowSchema, image, "stock row"), sequenceNumber };
}

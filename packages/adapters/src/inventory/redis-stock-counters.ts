import type { MemoryDbClient } from "./memorydb-client.ts";
import type { CounterChange, StockCounters, StockLevel, StoreStatus, StoreStockSnapshot } from "@cloudcafe/core";

/** The field of a store's hash holding its status (stock fields are SKUs, which never start with `#`). */
const STATUS_FIELD = "#store";

/**
 * Writes `value` (JSON with a version `v`) to the field unless the field already holds that version or a newer one:
 * a replayed record, or an older change delivered after a newer one, leaves the counters as they are. Atomic in Redis.
 */
const APPLY_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local stored = cjson.decode(current)
  if tonumber(stored.v) >= tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

interface CountedStock {
  v: number;
  seq: string;
  onHand?: number;
  reserved?: number;
  available?: number;
  status?: StoreStatus;
  removed?: true;
}

/**
 * MemoryDB's copy of `store-inventory`: one hash per store (`<namespace>:stock:{storeId}`, the braces keep a store on
 * one slot), a field per SKU plus the store's status, each holding the row's version and the stream sequence number
 * that brought it. Only the stream consumer writes it.
 */
export function redisStockCounters(redis: MemoryDbClient, namespace: string): StockCounters {
  const keyOf = (storeId: string) => `${namespace}:stock:{${storeId}}`;
  const write = async (storeId: string, field: string, value: CountedStock) =>
    (await redis.eval(APPLY_IF_NEWER, 1, keyOf(storeId), field, JSON.stringify(value), value.v)) === 1 ? "applied" : "stale";

  return {
    async storeStock(storeId): Promise<StoreStockSnapshot | undefined> {
      const fields = await redis.hgetall(keyOf(storeId));
      const status = fields[STATUS_FIELD] ? (JSON.parse(fields[STATUS_FIELD]) as CountedStock).status : undefined;
      if (!status) return undefined;
      const items: StockLevel[] = [];
      for (const [sku, text] of Object.entries(fields)) {
        if (sku === STATUS_FIELD) continue;
        const counted = JSON.parse(text) as CountedStock;
        if (counted.removed) continue;
        items.push({ sku, onHand: counted.onHand!, reserved: counted.reserved!, available: counted.available!, version: counted.v });
      }
      // A hash keeps its fields in the order they were first written, which follows stream delivery: order them as the
      // table's sort key does, so both copies of a store read the same.
      items.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
      return { storeId, status, items };
    },

    apply(change: CounterChange) {
      switch (change.kind) {
        case "stock": {
          const { row } = change;
          return write(row.storeId, row.sku, { v: row.version, seq: change.sequenceNumber, onHand: row.onHand, reserved: row.reserved, available: row.available });
        }
        case "stock-removed":
          return write(change.storeId, change.sku, { v: change.version, seq: change.sequenceNumber, removed: true });
        case "store":
          return write(change.row.storeId, STATUS_FIELD, { v: change.row.version, seq: change.sequenceNumber, status: change.row.status });
      }
    },
  };
}

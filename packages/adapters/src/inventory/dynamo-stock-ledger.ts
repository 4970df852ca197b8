import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import {
  AppError,
  type AppliedStockChange,
  type Reservation,
  type ReserveResult,
  type SettleResult,
  type StockLedger,
  type StockLevel,
  type StoreStatus,
  type StoreStockSnapshot,
} from "@cloudcafe/core";
import { changeKey, isStockSku, RESERVATION_PREFIX, reservationKey, STORE_ROW_SKU, stockKey, storeKey, updateKeyKey } from "./dynamo-keys.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Transactions cancelled by a concurrent one on the same items are retried this many times, with jittered backoff. */
const CONFLICT_RETRIES = 12;

const levelOf = (item: Record<string, unknown>): StockLevel => ({
  sku: String(item.sku),
  onHand: Number(item.onHand),
  reserved: Number(item.reserved),
  available: Number(item.available),
  version: Number(item.version),
});

const reservationOf = (item: Record<string, unknown>): Reservation => ({
  orderId: String(item.orderId),
  storeId: String(item.store),
  status: item.status as Reservation["status"],
  lines: (item.lines as Reservation["lines"]) ?? [],
  expiresAt: String(item.expiresAt),
  ...(item.releaseReason ? { releaseReason: String(item.releaseReason) } : {}),
});

function cancellationReasons(error: unknown): { code: string | undefined; item: Record<string, unknown> | undefined }[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({
    code: reason.Code,
    item: reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined,
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * DynamoDB `store-inventory` as the source of truth. Every write is conditional: `available` (onHand - reserved) is
 * kept beside the counts because a condition expression cannot subtract, and every stock row change bumps `version`,
 * which the stream consumer uses to apply each change to the counters once and in order.
 */
export function dynamoStockLedger(client: DynamoDBDocumentClient, tableName: string): StockLedger {
  const get = async (key: Record<string, string>) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item as Record<string, unknown> | undefined;

  /**
   * Runs a transaction, retrying while DynamoDB cancels it for a conflicting transaction in flight (not a failed
   * condition). Returns the cancellation reasons of a transaction cancelled by its conditions, or undefined on success.
   */
  async function transact(items: TransactItem[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
        return undefined;
      } catch (error) {
        const reasons = cancellationReasons(error);
        const conflict = reasons?.some((reason) => reason.code === "TransactionConflict") || (error as Error).name === "TransactionConflictException";
        if (conflict && attempt < CONFLICT_RETRIES) {
          await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
          continue;
        }
        if (reasons?.some((reason) => reason.code === "ConditionalCheckFailed")) return reasons;
        if (conflict) throw new AppError("OVERLOADED", "Stock is contended; retry shortly", { cause: error });
        throw error;
      }
    }
  }

  async function storeStock(storeId: string): Promise<StoreStockSnapshot | undefined> {
    let status: StoreStatus | undefined;
    const items: StockLevel[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "storeId = :store",
          ExpressionAttributeValues: { ":store": storeId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sku === STORE_ROW_SKU) status = item.status as StoreStatus;
        else if (isStockSku(String(item.sku))) items.push(levelOf(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (!status) return undefined;
    return { storeId, status, items };
  }

  const ledger: StockLedger = {
    storeStock,

    async applyUpdate(change, idempotencyKey) {
      const { update } = change;
      const key = stockKey(update.storeId, update.sku);
      const stockWrite: TransactItem =
        update.mode === "set"
          ? {
              Update: {
                TableName: tableName,
                Key: key,
                UpdateExpression: "SET onHand = :quantity, available = :quantity - reserved, version = version + :one, updatedAt = :at",
                ConditionExpression: "attribute_exists(sku) AND reserved <= :quantity",
                ExpressionAttributeValues: { ":quantity": update.quantity, ":one": 1, ":at": change.changedAt },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            }
          : {
              Update: {
                TableName: tableName,
                Key: key,
                UpdateExpression: "SET onHand = onHand + :delta, available = available + :delta, version = version + :one, updatedAt = :at",
                // available + delta >= 0, written without arithmetic: stock never drops below what is reserved.
                ConditionExpression: "attribute_exists(sku) AND available >= :floor",
                ExpressionAttributeValues: { ":delta": update.quantity, ":floor": -update.quantity, ":one": 1, ":at": change.changedAt },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            };
      const record: TransactItem = {
        Put: {
          TableName: tableName,
          Item: {
            ...changeKey(update.storeId, change.changedAt, change.changeId),
            changeId: change.changeId,
            storeRef: update.storeId,
            skuRef: update.sku,
            mode: update.mode,
            quantity: update.quantity,
            reason: update.reason,
            changedAt: change.changedAt,
          },
          ConditionExpression: "attribute_not_exists(storeId)",
        },
      };
      const keyClaim: TransactItem[] = idempotencyKey
        ? [
            {
              Put: {
                TableName: tableName,
                Item: { ...updateKeyKey(idempotencyKey), changeId: change.changeId, fingerprint: change.fingerprint, storeRef: update.storeId, skuRef: update.sku },
                ConditionExpression: "attribute_not_exists(storeId)",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ]
        : [];
      // The key's claim first, so a replay is recognised before the stock's condition is judged.
      const reasons = await transact([...keyClaim, stockWrite, record]);
      if (reasons) {
        const [claimed] = idempotencyKey ? reasons : [];
        if (claimed?.code === "ConditionalCheckFailed" && claimed.item) {
          const stored = claimed.item;
          const row = await get(stockKey(String(stored.storeRef), String(stored.skuRef)));
          return { level: levelOf(row ?? { sku: stored.skuRef }), changeId: String(stored.changeId), replayed: true, storedFingerprint: String(stored.fingerprint) };
        }
        const stock = reasons[keyClaim.length];
        if (stock?.code !== "ConditionalCheckFailed") throw new Error(`stock update of ${update.storeId}/${update.sku} cancelled: ${JSON.stringify(reasons.map((r) => r.code))}`);
        const old = stock.item;
        if (!old) throw new AppError("NOT_FOUND", `Store ${update.storeId} does not stock ${update.sku}`);
        const level = levelOf(old);
        throw new AppError("CONFLICT", `${update.sku} has ${level.reserved} reserved for orders; stock cannot go below that (on hand ${level.onHand})`);
      }
      const row = await get(key);
      return { level: levelOf(row!), changeId: change.changeId, replayed: false, storedFingerprint: change.fingerprint } satisfies AppliedStockChange;
    },

    async reserve(reservation): Promise<ReserveResult> {
      const held: Reservation = { orderId: reservation.orderId, storeId: reservation.storeId, status: "held", lines: reservation.lines, expiresAt: reservation.expiresAt };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName,
            Item: { ...reservationKey(reservation.orderId), orderId: reservation.orderId, store: reservation.storeId, status: "held", lines: reservation.lines, expiresAt: reservation.expiresAt },
            ConditionExpression: "attribute_not_exists(storeId)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        {
          ConditionCheck: {
            TableName: tableName,
            Key: storeKey(reservation.storeId),
            ConditionExpression: "#status = :open",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":open": "open" },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          },
        },
        ...reservation.lines.map(
          (line): TransactItem => ({
            Update: {
              TableName: tableName,
              Key: stockKey(reservation.storeId, line.sku),
              UpdateExpression: "SET reserved = reserved + :quantity, available = available - :quantity, version = version + :one",
              ConditionExpression: "attribute_exists(sku) AND available >= :quantity",
              ExpressionAttributeValues: { ":quantity": line.quantity, ":one": 1 },
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          }),
        ),
      ];
      const reasons = await transact(items);
      if (!reasons) return { outcome: "reserved", reservation: held, replayed: false };
      const [existing, store, ...lines] = reasons;
      if (existing?.code === "ConditionalCheckFailed" && existing.item) {
        const stored = reservationOf(existing.item);
        return stored.status === "held" ? { outcome: "reserved", reservation: stored, replayed: true } : { outcome: "closed", reservation: stored };
      }
      if (store?.code === "ConditionalCheckFailed") return { outcome: "store-unavailable", storeId: reservation.storeId, reason: store.item ? "closed" : "unknown" };
      const index = lines.findIndex((reason) => reason.code === "ConditionalCheckFailed");
      const line = reservation.lines[index]!;
      const row = lines[index]!.item;
      return { outcome: "out-of-stock", sku: line.sku, requested: line.quantity, available: row ? Number(row.available) : 0 };
    },

    async commit(orderId, at): Promise<SettleResult> {
      const item = await get(reservationKey(orderId));
      if (!item) return { outcome: "not-found" };
      const reservation = reservationOf(item);
      if (reservation.status !== "held") return { outcome: reservation.status === "committed" || reservation.status === "returned" ? "already-committed" : "expired" };
      // The units leave the shelf and the hold together; available does not move.
      const settled = await settleReservation(reservation, "held", "committed", at, "onHand = onHand - :quantity, reserved = reserved - :quantity");
      // Settled by a concurrent call between the read and the write: what it did is the answer.
      return settled ? { outcome: "committed" } : ledger.commit(orderId, at);
    },

    async release(orderId, reason, at): Promise<SettleResult> {
      const item = await get(reservationKey(orderId));
      if (!item) {
        // Nothing was reserved (the order was refused first): a released tombstone keeps a late reserve out.
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...reservationKey(orderId), orderId, store: "", status: "released", lines: [], expiresAt: at, releaseReason: reason },
              ConditionExpression: "attribute_not_exists(storeId)",
            }),
          );
          return { outcome: "not-found" };
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return ledger.release(orderId, reason, at);
          throw error;
        }
      }
      const reservation = reservationOf(item);
      if (reservation.status !== "held") return { outcome: reservation.status === "committed" ? "already-committed" : "already-released" };
      const settled = await settleReservation(reservation, "held", "released", at, "reserved = reserved - :quantity, available = available + :quantity", reason);
      return settled ? { outcome: "released" } : ledger.release(orderId, reason, at);
    },

    async returnStock(orderId, reason, at): Promise<SettleResult> {
      const item = await get(reservationKey(orderId));
      if (!item) return { outcome: "not-found" };
      const reservation = reservationOf(item);
      if (reservation.status === "held") return ledger.release(orderId, reason, at);
      if (reservation.status !== "committed") return { outcome: reservation.status === "returned" ? "already-returned" : "already-released" };
      // The units come back on the shelf and are available again, once: the reservation's status guards the write.
      const settled = await settleReservation(reservation, "committed", "returned", at, "onHand = onHand + :quantity, available = available + :quantity", reason);
      return settled ? { outcome: "returned" } : ledger.returnStock(orderId, reason, at);
    },

    async expiredReservations(now, limit) {
      const orderIds: string[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: "begins_with(storeId, :prefix) AND #status = :held AND expiresAt < :now",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":prefix": RESERVATION_PREFIX, ":held": "held", ":now": now },
            ProjectionExpression: "orderId",
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) orderIds.push(String(item.orderId));
        startKey = page.LastEvaluatedKey;
      } while (startKey && orderIds.length < limit);
      return orderIds.slice(0, limit);
    },

    async seedMissingStores(stores) {
      const putIfAbsent = (item: Record<string, unknown>) =>
        client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(storeId)" })).then(
          () => true,
          (error: unknown) => {
            if (error instanceof ConditionalCheckFailedException) return false;
            throw error;
          },
        );
      let seeded = 0;
      for (const store of stores) {
        // The stock first, the store's row last: a start interrupted half way stocks the store on the next one.
        if (await get(storeKey(store.storeId))) continue;
        await Promise.all(store.items.map((level) => putIfAbsent({ ...stockKey(store.storeId, level.sku), onHand: level.onHand, reserved: 0, available: level.onHand, version: 1 })));
        if (await putIfAbsent({ ...storeKey(store.storeId), status: store.status, version: 1 })) seeded++;
      }
      return seeded;
    },
  };

  /**
   * Moves a held reservation to `status` and applies `lineUpdate` (with `:quantity`) to each of its stock rows, in one
   * transaction conditional on the reservation still being held; false when another call settled it first.
   */
  /** Moves a reservation from `from` to `to` and its stock lines with it, in one transaction; false if it had moved already. */
  async function settleReservation(
    reservation: Reservation,
    from: "held" | "committed",
    to: "committed" | "released" | "returned",
    at: string,
    lineUpdate: string,
    reason?: string,
  ): Promise<boolean> {
    const reasons = await transact([
      {
        Update: {
          TableName: tableName,
          Key: reservationKey(reservation.orderId),
          UpdateExpression: `SET #status = :status, settledAt = :at${reason ? ", releaseReason = :reason" : ""}`,
          ConditionExpression: "#status = :from",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":status": to, ":from": from, ":at": at, ...(reason ? { ":reason": reason } : {}) },
        },
      },
      ...reservation.lines.map(
        (line): TransactItem => ({
          Update: {
            TableName: tableName,
            Key: stockKey(reservation.storeId, line.sku),
            UpdateExpression: `SET ${lineUpdate}, version = version + :one`,
            ExpressionAttributeValues: { ":quantity": line.quantity, ":one": 1 },
          },
        }),
      ),
    ]);
    return reasons === undefined;
  }

  return ledger;
}

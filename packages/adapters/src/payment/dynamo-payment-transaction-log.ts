import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tables } from "@cloudcafe/catalog";
import {
  AppError,
  isSettled,
  isSyntheticOrder,
  paymentTransactionSchema,
  type PaymentTransaction,
  type PaymentTransactionLog,
  type PendingPayment,
  type SettledPayment,
  type Settlement,
} from "@cloudcafe/core";

const KEY = tables.paymentTransactions.partitionKey.name;
const { ttlAttribute: TTL_ATTRIBUTE, ttlSeconds: SYNTHETIC_TTL_SECONDS } = tables.paymentTransactions;

/** A synthetic (stress) payment expires with the table's TTL; a customer's payment is kept. */
function withExpiry(payment: PendingPayment, now: number): PendingPayment & { [TTL_ATTRIBUTE]?: number } {
  if (!isSyntheticOrder(payment.orderId)) return payment;
  return { ...payment, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + SYNTHETIC_TTL_SECONDS };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/**
 * The `payment-transactions` table as the payment transaction log. Both writes are conditional, so two
 * deliveries of one request cannot both claim the payment, and a settled payment is never rewritten.
 */
export function dynamoPaymentTransactionLog(client: DynamoDBDocumentClient, tableName: string): PaymentTransactionLog {
  async function read(paymentId: string): Promise<PaymentTransaction> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { [KEY]: paymentId }, ConsistentRead: true }));
    if (!Item) throw new AppError("INTERNAL", `Payment ${paymentId} vanished from the transaction log`);
    return paymentTransactionSchema.parse(Item);
  }

  return {
    async claim(payment) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: withExpiry(payment, Date.now()),
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": KEY },
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return read(payment.paymentId);
      }
    },

    async settle(paymentId, settlement) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [KEY]: paymentId },
            ...settleExpression(settlement),
            ConditionExpression: "#status = :pending",
            ReturnValues: "ALL_NEW",
          }),
        );
        return settledOrThrow(paymentTransactionSchema.parse(Attributes));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another delivery settled it first; its settlement is the one everybody must see.
        return settledOrThrow(await read(paymentId));
      }
    },
  };
}

function settleExpression(settlement: Settlement) {
  const detail =
    settlement.status === "DECLINED"
      ? { name: "declineReason", value: settlement.declineReason }
      : { name: "gatewayReference", value: settlement.gatewayReference };
  return {
    UpdateExpression: `SET #status = :status, processedAt = :processedAt, #detail = :detail`,
    ExpressionAttributeNames: { "#status": "status", "#detail": detail.name },
    ExpressionAttributeValues: {
      ":status": settlement.status,
      ":processedAt": settlement.processedAt,
      ":detail": detail.value,
      ":pending": "PENDING",
    },
  };
}

function settledOrThrow(payment: PaymentTransaction): SettledPayment {
  if (isSettled(payment)) return payment;
  throw new AppError("INTERNAL", `Payment ${payment.paymentId} is not settled after settling it`);
}

import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tables } from "@cloudcafe/catalog";
import type { ActiveOrderView, Order } from "@cloudcafe/core";

const spec = tables.activeOrders;

/** DynamoDB `active-orders`: the hot copy, expiring 24 h after creation through the table's TTL attribute. */
export function dynamoActiveOrders(client: DynamoDBDocumentClient, tableName: string, now = () => Date.now()): ActiveOrderView {
  return {
    async get(orderId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { [spec.partitionKey.name]: orderId } }));
      if (!Item) return undefined;
      // TTL deletion runs lazily (up to days late): an item past its expiry is treated as gone.
      if (typeof Item[spec.ttlAttribute] === "number" && Item[spec.ttlAttribute] * 1000 <= now()) return undefined;
      const { [spec.ttlAttribute]: _expiresAt, ...order } = Item;
      return order as Order;
    },

    async project(order) {
      const expiresAt = Math.floor(Date.parse(order.createdAt) / 1000) + spec.ttlSeconds;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...order, [spec.ttlAttribute]: expiresAt },
            ConditionExpression: "attribute_not_exists(#id) OR #version < :version",
            ExpressionAttributeNames: { "#id": spec.partitionKey.name, "#version": "version" },
            ExpressionAttributeValues: { ":version": order.version },
          }),
        );
      } catch (error) {
        // A same-or-newer version is already there: this projection is stale, which is success.
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
  };
}

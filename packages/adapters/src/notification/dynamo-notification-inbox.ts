import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { tables } from "@cloudcafe/catalog";
import { type Notification, type NotificationChannel, type NotificationInbox, notificationSchema } from "@cloudcafe/core";

const { ttlAttribute: TTL_ATTRIBUTE, ttlSeconds: TTL_SECONDS } = tables.customerNotifications;

/**
 * The in-app inbox in DynamoDB `customer-notifications` (customer, `<order>:<milestone>`): a conditional put delivers
 * each notification once, so a redelivered message finds it there and is a duplicate; items expire after 30 days.
 */
export function dynamoNotificationInbox(client: DynamoDBDocumentClient, tableName: string): NotificationChannel & NotificationInbox {
  return {
    async deliver(notification) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...notification, [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1_000) + TTL_SECONDS },
            ConditionExpression: "attribute_not_exists(notificationId)",
          }),
        );
        return "delivered";
      } catch (error) {
        if (error instanceof Error && error.name === "ConditionalCheckFailedException") return "duplicate";
        throw error;
      }
    },

    async latest(customerId, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "customerId = :customer",
          ExpressionAttributeValues: { ":customer": customerId },
          // Several milestones of one order share its time-ordered id: sort by time here, newest first.
          Limit: 200,
        }),
      );
      return Items.map((item) => notificationSchema.parse(item) as Notification)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
    },
  };
}

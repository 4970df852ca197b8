import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Metrics } from "@cloudcafe/observability";

/** The errors DynamoDB throttles with (a table's or index's capacity, the account's request rate). */
export const DYNAMODB_THROTTLING_ERRORS: ReadonlySet<string> = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]);

/**
 * Counts every throttled attempt a DynamoDB client makes as `DynamoDBThrottles`, deployed and local alike: inside the
 * SDK's retry loop, so throttling the retries hide from the caller still shows (DynamoDB's own ThrottledRequests
 * cannot see throttling the `dynamodb-throttling` fault causes in the client). Dimensioned by the metrics' `service`
 * only, so one alarm reads every service's client (registry alarm `dynamoThrottledRequests`).
 */
export function countThrottledAttempts(client: DynamoDBClient, metrics: Metrics): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (DYNAMODB_THROTTLING_ERRORS.has((error as { name?: string }).name ?? "")) metrics.put("DynamoDBThrottles", 1, "Count");
        throw error;
      }
    },
    // After the retry middleware (finalizeRequest, high priority), so each attempt passes here.
    { step: "finalizeRequest", priority: "low", name: "dynamoDbThrottledAttempts" },
  );
}

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createMetrics } from "@cloudcafe/observability";
import { DYNAMODB_THROTTLING_ERRORS } from "./dynamodb-throttle-metrics.ts";
const CONDITIONS = new Set(["ConditionalCheckFailedException", "TransactionCanceledException"]);

/**
 * The error counts DynamoDB publishes and DynamoDB Local does not, reported by the client as EMF under AWS/DynamoDB
 * for the local metrics sink: ThrottledRequests, ConditionalCheckFailedRequests, and UserErrors (every other HTTP 400;
 * DynamoDB counts neither throttles nor failed conditions there, "DynamoDB metrics and dimensions"). Counted once per
 * call, after the SDK's retries. Only for a local endpoint (AWS_ENDPOINT_URL_DYNAMODB): deployed, DynamoDB reports its own.
 */
export function reportLocalDynamoErrors(client: DynamoDBClient): void {
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) return;
  const metrics = createMetrics({ namespace: "AWS/DynamoDB", service: "dynamodb-client" });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        const table = (args.input as { TableName?: unknown }).TableName;
        const dimensions: Record<string, string> = typeof table === "string" ? { TableName: table } : {};
        if (name && DYNAMODB_THROTTLING_ERRORS.has(name)) metrics.put("ThrottledRequests", 1, "Count", dimensions);
        else if (name && CONDITIONS.has(name)) metrics.put("ConditionalCheckFailedRequests", 1, "Count", dimensions);
        else if ($metadata?.httpStatusCode === 400) metrics.put("UserErrors", 1, "Count", dimensions);
        throw error;
      }
    },
    { step: "initialize", name: "localDynamoErrorMetrics" },
  );
}

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type ApplicationFaultSource, dynamoThrottlingParameters } from "@cloudcafe/core";

export const DYNAMODB_THROTTLING_FAULT = "dynamodb-throttling";

/** What DynamoDB's JSON protocol answers when it throttles a request: HTTP 400 with the error type in body and header. */
function throttledResponse(error: string, operation: string) {
  const body = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${error}`,
    message: `Injected by the dynamodb-throttling fault: ${operation} throttled (CloudCafe chaos)`,
  });
  return {
    statusCode: 400,
    reason: "Bad Request",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": error, "x-amzn-requestid": `chaos-${Date.now()}` },
    body: new Uint8Array(Buffer.from(body)),
  };
}

/**
 * The `dynamodb-throttling` fault, in the client: while it is active, the configured share of attempts gets the answer
 * DynamoDB gives a throttled request instead of reaching the table. It sits below the SDK's deserializer and retry
 * middleware, so the SDK parses it into its own `ProvisionedThroughputExceededException` (or `ThrottlingException`),
 * retries it with its throttling back-off, and reports the attempts in `$metadata.attempts`, exactly as with real
 * throttling: the code under test cannot tell the difference, and the client's count of throttled attempts
 * (`countThrottledAttempts`) counts them as it counts real ones. FIS has no DynamoDB throttling action, so this is
 * how it is caused in AWS too.
 */
export function throttleDynamoDbUnderFault(
  client: DynamoDBClient,
  options: { readonly faults: ApplicationFaultSource; readonly random?: () => number },
): void {
  const random = options.random ?? Math.random;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const fault = await options.faults.active(DYNAMODB_THROTTLING_FAULT);
      if (fault) {
        const { percent, error } = dynamoThrottlingParameters.parse(fault.parameters);
        if (random() * 100 < percent) {
          return { response: throttledResponse(error, context.commandName ?? "DynamoDB call"), output: undefined as never };
        }
      }
      return next(args);
    },
    // The innermost step: each retry attempt passes through here again.
    { step: "deserialize", priority: "low", name: "chaosDynamoDbThrottling" },
  );
}

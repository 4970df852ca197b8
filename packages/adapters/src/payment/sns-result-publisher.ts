import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { PaymentResult, PaymentResultPublisher } from "@cloudcafe/core";
import { currentContext, newTraceId, TRACEPARENT_ATTRIBUTE, traceparentFor } from "@cloudcafe/observability";

export interface SnsPaymentResultPublisherOptions {
  client: SNSClient;
  /** `Resource.PaymentResultsTopic.arn`. */
  topicArn: string;
}

/**
 * Publishes results to the `payment-results` topic. The trace continues from the current context as a new
 * span, and `customerId` rides as an attribute so subscribers can filter and log before parsing the body.
 */
export function createSnsPaymentResultPublisher({ client, topicArn }: SnsPaymentResultPublisherOptions): PaymentResultPublisher {
  return {
    async publish(result: PaymentResult) {
      const traceId = currentContext().traceId ?? newTraceId();
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(result),
          MessageAttributes: {
            [TRACEPARENT_ATTRIBUTE]: { DataType: "String", StringValue: traceparentFor(traceId) },
            customerId: { DataType: "String", StringValue: result.customerId },
          },
        }),
      );
    },
  };
}

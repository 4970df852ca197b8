import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { PaymentResult, PaymentResultPublisher } from "@cloudcafe/core";
import { traceAttributes } from "../aws/trace-attributes.ts";

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
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(result),
          MessageAttributes: {
            ...traceAttributes(),
            customerId: { DataType: "String", StringValue: result.customerId },
          },
        }),
      );
    },
  };
}

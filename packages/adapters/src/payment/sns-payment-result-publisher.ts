import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { trafficAttribute, type Traffic } from "@cloudcafe/catalog";
import { isSyntheticOrder, type PaymentResult, type PaymentResultPublisher } from "@cloudcafe/core";
import { traceAttributes } from "../aws/trace-attributes.ts";

/**
 * Publishes results to the `payment-results` topic. The trace continues from the current context as a new
 * span, and `customerId` rides as an attribute so subscribers can filter and log before parsing the body. `traffic`
 * marks stress-scenario results `synthetic`, which the subscriptions acting on real orders filter out.
 */
export function snsPaymentResultPublisher(client: SNSClient, topicArn: string): PaymentResultPublisher {
  return {
    async publish(result: PaymentResult) {
      const traffic: Traffic = isSyntheticOrder(result.orderId) ? "synthetic" : "live";
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(result),
          MessageAttributes: {
            ...traceAttributes(),
            customerId: { DataType: "String", StringValue: result.customerId },
            [trafficAttribute]: { DataType: "String", StringValue: traffic },
          },
        }),
      );
    },
  };
}

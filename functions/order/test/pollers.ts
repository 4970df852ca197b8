import { paymentProcessorMapping } from "@cloudcafe/catalog";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { type SqsPoller, startSqsPoller } from "@cloudcafe/local/event-source/sqs-poller";

export interface FlowQueues {
  orderSubmission: string;
  paymentProcessing: string;
  paymentResults: string;
}

/**
 * The three Lambda event-source mappings of the order-to-payment flow, run locally as Lambda would run them.
 * Handlers are imported only now, after the test has pointed the environment at its engines.
 */
export async function startFlowPollers(queues: FlowQueues, options: { failedVisibilityTimeoutSeconds?: number } = {}): Promise<SqsPoller[]> {
  const [submission, payment, results] = await Promise.all([
    import("../src/events/submission.ts"),
    import("../../payment/src/lambda.ts"),
    import("../src/events/payment-results.ts"),
  ]);
  // The poller's client: long polls and a longer request timeout than the application's.
  const sqs = sqsClientFor(process.env.AWS_ENDPOINT_URL_SQS!);
  const common = { sqs, reportBatchItemFailures: true, batchSize: 10, ...options };
  return [
    startSqsPoller({ ...common, queueUrl: queues.orderSubmission, functionName: "order-submission", handler: submission.handler, maximumBatchingWindowSeconds: 1 }),
    startSqsPoller({
      ...common,
      queueUrl: queues.paymentProcessing,
      functionName: "payment-processor",
      handler: payment.handler,
      batchSize: paymentProcessorMapping.batchSize,
      maximumBatchingWindowSeconds: paymentProcessorMapping.maximumBatchingWindowSeconds,
    }),
    startSqsPoller({ ...common, queueUrl: queues.paymentResults, functionName: "order-payment-results", handler: results.handler, maximumBatchingWindowSeconds: 1 }),
  ];
}

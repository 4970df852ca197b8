import { join } from "node:path";
import type { QueueKey } from "@cloudcafe/catalog";
import { sqsClientFor } from "@cloudcafe/local/aws-clients";
import { localEventSourceMappings } from "@cloudcafe/local/event-source/mappings";
import { type SqsPoller, startSqsPoller } from "@cloudcafe/local/event-source/sqs-poller";
import { repoRoot } from "@cloudcafe/local/paths";

/** The queues of the order-to-payment flow a test created for itself, by catalog key. */
export type FlowQueues = Record<"orderSubmission" | "paymentProcessing" | "paymentResults", string>;

/** The flow's queues among a run's resources (the platform's, or a test's own copy of them). */
export function flowQueuesOf(resources: { queues: Record<keyof FlowQueues, { url: string }> }): FlowQueues {
  const { orderSubmission, paymentProcessing, paymentResults } = resources.queues;
  return { orderSubmission: orderSubmission.url, paymentProcessing: paymentProcessing.url, paymentResults: paymentResults.url };
}

const isFlowQueue = (queue: QueueKey): queue is keyof FlowQueues => queue === "orderSubmission" || queue === "paymentProcessing" || queue === "paymentResults";

/**
 * The Lambda event-source mappings of the order-to-payment flow, run locally as `npm start` runs them (the catalog's
 * batch sizes and windows). Handlers are imported only now, after the test has pointed the environment at its engines.
 */
export async function startFlowPollers(queues: FlowQueues, options: { failedVisibilityTimeoutSeconds?: number } = {}): Promise<SqsPoller[]> {
  // The poller's client: long polls and a longer request timeout than the application's.
  const sqs = sqsClientFor(process.env.AWS_ENDPOINT_URL_SQS!);
  const mappings = localEventSourceMappings.flatMap((mapping) => (isFlowQueue(mapping.queue) ? [{ ...mapping, queue: mapping.queue }] : []));
  return Promise.all(
    mappings.map(async (mapping) => {
      const { handler } = (await import(join(repoRoot, mapping.handlerModule))) as { handler: Parameters<typeof startSqsPoller>[0]["handler"] };
      return startSqsPoller({
        ...options,
        sqs,
        queueUrl: queues[mapping.queue],
        functionName: mapping.functionName,
        handler,
        batchSize: mapping.batchSize,
        maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
      });
    }),
  );
}

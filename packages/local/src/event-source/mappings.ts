import { paymentProcessorMapping, type QueueKey } from "@cloudcafe/catalog";

/** One Lambda function subscribed to a queue, as an event source mapping declares it. */
export interface EventSourceMapping {
  readonly functionName: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly handlerModule: string;
  readonly queue: QueueKey;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly functionTimeoutSeconds: number;
  readonly memoryLimitMb: number;
  /** Concurrent batches (Lambda scales pollers out; four keeps a 2-core laptop responsive). */
  readonly concurrency: number;
}

/** The mappings `npm start` runs in-process; a new queue consumer joins with one more entry. */
export const localEventSourceMappings: readonly EventSourceMapping[] = [
  {
    functionName: "payment-processor",
    handlerModule: "functions/payment/src/lambda.ts",
    queue: paymentProcessorMapping.queue,
    batchSize: paymentProcessorMapping.batchSize,
    maximumBatchingWindowSeconds: paymentProcessorMapping.maximumBatchingWindowSeconds,
    functionTimeoutSeconds: paymentProcessorMapping.timeoutSeconds,
    memoryLimitMb: paymentProcessorMapping.memoryMb,
    concurrency: 4,
  },
  {
    functionName: "order-submission",
    handlerModule: "functions/order/src/events/submission.ts",
    queue: "orderSubmission",
    batchSize: 10,
    maximumBatchingWindowSeconds: 1,
    functionTimeoutSeconds: 30,
    memoryLimitMb: 512,
    concurrency: 2,
  },
  {
    functionName: "order-payment-results",
    handlerModule: "functions/order/src/events/payment-results.ts",
    queue: "paymentResults",
    batchSize: 10,
    maximumBatchingWindowSeconds: 1,
    functionTimeoutSeconds: 30,
    memoryLimitMb: 512,
    concurrency: 2,
  },
];

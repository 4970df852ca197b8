import { eventSourceMappings, queues, type EventSourceMappingSpec, type QueueKey } from "@cloudcafe/catalog";

/** One Lambda function subscribed to a queue, as `npm start` runs it. */
export interface EventSourceMapping {
  readonly functionName: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly handlerModule: string;
  readonly queue: QueueKey;
  readonly fifo: boolean;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly functionTimeoutSeconds: number;
  readonly memoryLimitMb: number;
  /** Concurrent batches (Lambda scales pollers out; a few keep a 2-core laptop responsive). */
  readonly concurrency: number;
}

/** The catalog's event-source mappings, with the local pollers' concurrency and batching window. */
export const localEventSourceMappings: readonly EventSourceMapping[] = Object.values<EventSourceMappingSpec>(eventSourceMappings).map((spec) => ({
  functionName: spec.name,
  handlerModule: spec.handlerModule,
  queue: spec.queue,
  fifo: queues[spec.queue].fifo,
  batchSize: spec.batchSize,
  maximumBatchingWindowSeconds: spec.local.maximumBatchingWindowSeconds ?? spec.maximumBatchingWindowSeconds ?? 0,
  reportBatchItemFailures: spec.reportBatchItemFailures,
  functionTimeoutSeconds: spec.timeoutSeconds,
  memoryLimitMb: spec.memoryMb,
  concurrency: spec.local.concurrency,
}));

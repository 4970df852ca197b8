/**
 * The Lambda functions: the module each runs, its size, and what invokes it (a queue through an event-source mapping
 * or a schedule). API Gateway reaches the HTTP services through their load balancers, not through functions. `infra/` deploys them from here and `npm start` polls the same queues with the same
 * batch settings, so a consumer joins both with one entry.
 */
import type { QueueKey } from "./messaging.ts";

/** Graviton for every function; the FIS Lambda extension layer must be built for the same architecture. */
export const lambdaArchitecture = "arm64" as const;

/**
 * The Node.js major everything deployed runs on: the Lambda runtime, the container images (`infra/docker`) and the
 * esbuild target of their bundles. Lambda's `nodejs24.x` accepts async handlers only (no callback style).
 */
export const nodeMajor = 24;
export const lambdaRuntime = `nodejs${nodeMajor}.x` as const;

export interface LambdaSpec {
  /** Function name under the app and stage prefix (`cloudcafe-<stage>-<name>`). */
  readonly name: string;
  /** Module exporting `handler`, relative to the repository root. */
  readonly handlerModule: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

/**
 * A function fed by a queue. The queue's visibility timeout (messaging.ts) is at least six times the function's
 * timeout, as AWS recommends; its redrive policy does the retries and the dead-lettering.
 */
export interface EventSourceMappingSpec extends LambdaSpec {
  readonly queue: QueueKey;
  readonly batchSize: number;
  /**
   * How long Lambda gathers a batch once the first message is in (MaximumBatchingWindowInSeconds); absent: it
   * invokes with what one receive returned. A FIFO queue allows no window (sqsEventSourceMappingError).
   */
  readonly maximumBatchingWindowSeconds?: number;
  /** The handler answers `batchItemFailures`, so only the messages that failed are retried. */
  readonly reportBatchItemFailures: true;
  /**
   * How `npm start`'s in-process pollers run it: batches in flight at once (Lambda scales its pollers out; a laptop
   * has a few cores), and their own batching window where it differs from the deployed one.
   */
  readonly local: { readonly concurrency: number; readonly maximumBatchingWindowSeconds?: number };
}

/** The order service's event handlers and jobs share one size. */
const orderHandler = { memoryMb: 512, timeoutSeconds: 30 } as const;
/** Its queue consumers take batches of up to 10 as they come and report the failed messages. */
const orderQueueConsumer = {
  ...orderHandler,
  batchSize: 10,
  maximumBatchingWindowSeconds: 0,
  reportBatchItemFailures: true,
  local: { concurrency: 2, maximumBatchingWindowSeconds: 1 },
} as const;

export const eventSourceMappings = {
  paymentProcessor: {
    name: "payment-processor",
    handlerModule: "functions/payment/src/lambda.ts",
    queue: "paymentProcessing",
    // Up to 10 a batch and no batching window: the most a FIFO queue's mapping allows (the architecture's "window
    // 5 s" cannot be deployed on it; README, "The order-to-payment flow").
    batchSize: 10,
    reportBatchItemFailures: true,
    memoryMb: 512,
    timeoutSeconds: 30,
    local: { concurrency: 4 },
  },
  orderSubmission: {
    name: "order-submission",
    handlerModule: "functions/order/src/events/submission.ts",
    queue: "orderSubmission",
    ...orderQueueConsumer,
  },
  orderPaymentResults: {
    name: "order-payment-results",
    handlerModule: "functions/order/src/events/payment-results.ts",
    queue: "paymentResults",
    ...orderQueueConsumer,
  },
} as const satisfies Record<string, EventSourceMappingSpec>;

/** What an SQS event-source mapping is made of, as CreateEventSourceMapping validates it. */
export interface SqsMappingParameters {
  readonly fifo: boolean;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds?: number;
}

/**
 * Why Lambda's CreateEventSourceMapping would refuse these SQS parameters, in AWS's words where AWS has them, or
 * undefined. From "Lambda parameters for Amazon SQS event source mappings": a FIFO queue takes batches of 1-10 and no
 * batching window; a standard queue 1-10 000, with a window of at least 1 s above 10; a window is 0-300 s.
 */
export function sqsEventSourceMappingError({ fifo, batchSize, maximumBatchingWindowSeconds: window }: SqsMappingParameters): string | undefined {
  if (fifo && window !== undefined && window > 0) return "Batching window is not supported for FIFO queues";
  if (window !== undefined && !(Number.isInteger(window) && window >= 0 && window <= 300)) {
    return `MaximumBatchingWindowInSeconds must be a whole number of seconds from 0 to 300 (given ${window})`;
  }
  const maxBatch = fifo ? 10 : 10_000;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= maxBatch)) {
    return `BatchSize must be from 1 to ${maxBatch} for ${fifo ? "a FIFO" : "a standard"} queue (given ${batchSize})`;
  }
  if (batchSize > 10 && !window) return "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10";
  return undefined;
}

/** A function run on a schedule when deployed; locally the service runs the same work in its own loop. */
export interface ScheduledFunctionSpec extends LambdaSpec {
  /** EventBridge schedule expression. */
  readonly schedule: string;
}

export const scheduledFunctions = {
  outboxRelay: {
    name: "outbox-relay",
    handlerModule: "functions/order/src/jobs/outbox-relay.ts",
    schedule: "rate(1 minute)",
    ...orderHandler,
  },
} as const satisfies Record<string, ScheduledFunctionSpec>;

/**
 * The Lambda functions: the module each runs, its size, and what invokes it (a queue through an event-source mapping
 * or a schedule). API Gateway reaches the HTTP services through their load balancers, not through functions. `infra/` deploys them from here and `npm start` polls the same queues with the same
 * batch settings, so a consumer joins both with one entry.
 */
import type { TableKey } from "./data.ts";
import type { QueueKey, StreamKey } from "./messaging.ts";

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
  // Five batches at once, as Lambda starts an SQS mapping ("Configuring scaling behavior for SQS event source
  // mappings"): with two, the submission queue's backlog grew under a 60/s rush while the machine had CPU to spare.
  local: { concurrency: 5, maximumBatchingWindowSeconds: 1 },
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
  notifications: {
    // Order milestones to the customer: payment results (SNS fan-out, live traffic) and the barista's READY.
    name: "notification-sender",
    handlerModule: "functions/notification/src/events/notifications.ts",
    queue: "notification",
    batchSize: 10,
    maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: true,
    // A sixth of the queue's 60 s visibility timeout, as AWS recommends.
    memoryMb: 256,
    timeoutSeconds: 10,
    local: { concurrency: 1 },
  },
  orderPaymentResults: {
    name: "order-payment-results",
    handlerModule: "functions/order/src/events/payment-results.ts",
    queue: "paymentResults",
    ...orderQueueConsumer,
  },
  loyaltyPaymentResults: {
    name: "loyalty-payment-results",
    handlerModule: "functions/loyalty/src/events/payment-results.ts",
    queue: "loyaltyPaymentResults",
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

/** Where a stream mapping reads: a Kinesis data stream, or a DynamoDB table's stream (the table must enable one). */
export type StreamSource = { readonly kind: "kinesis"; readonly stream: StreamKey } | { readonly kind: "dynamodb"; readonly table: TableKey };

/**
 * A function fed by a stream (Kinesis or DynamoDB Streams). Unlike a queue, a stream keeps order per shard and has no
 * redrive policy: the mapping retries a failing batch (halving it when `bisectBatchOnFunctionError`), and once
 * `maximumRetryAttempts` or `maximumRecordAgeSeconds` is spent sends the batch's description (shard, sequence
 * numbers, error) to the on-failure queue and moves on, so a poison record never blocks its shard for good.
 */
export interface StreamEventSourceMappingSpec extends LambdaSpec {
  readonly source: StreamSource;
  /** Records per invocation: 1-10 000 for Kinesis and DynamoDB Streams. */
  readonly batchSize: number;
  /** How long Lambda gathers records before invoking (0-300 s; streams default to 0). */
  readonly maximumBatchingWindowSeconds: number;
  readonly startingPosition: "TRIM_HORIZON" | "LATEST";
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 (until the record expires) or 0-10 000. */
  readonly maximumRetryAttempts: number;
  /** -1 (no limit) or 60-604 800 s. */
  readonly maximumRecordAgeSeconds: number;
  /** Concurrent batches per shard, 1-10 (order still holds per partition key). */
  readonly parallelizationFactor: number;
  /** The handler answers `batchItemFailures` with sequence numbers; the mapping resumes from the lowest one. */
  readonly reportBatchItemFailures: true;
  /** The on-failure destination: a queue that receives the description of every batch given up on. */
  readonly onFailureQueue: QueueKey;
  /** How `npm start`'s stream pollers run it: how often an idle shard is read (Lambda reads each shard about once a second). */
  readonly local: { readonly idlePollMs: number };
}

/** The stream consumers. The services that own them add their entries here. */
export const streamEventSourceMappings = {
  // Order events to analytics events (by store), batches as they come. The handler sends records that are not order
  // events to the dead letters itself, so a batch fails only while a dependency (the Menu service, the stream) does:
  // it is retried, halved, until it goes through, or described on the dead letters once its records are a day old.
  analyticsOrderEvents: {
    name: "analytics-order-events",
    handlerModule: "functions/analytics/src/events/order-events.ts",
    source: { kind: "kinesis", stream: "orderEvents" },
    batchSize: 100,
    maximumBatchingWindowSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: 86_400,
    parallelizationFactor: 1,
    reportBatchItemFailures: true,
    onFailureQueue: "analyticsDeadLetters",
    memoryMb: 512,
    timeoutSeconds: 30,
    local: { idlePollMs: 1_000 },
  },
  inventoryCounters: {
    name: "inventory-stock-stream",
    handlerModule: "functions/inventory/src/events/stock-stream.ts",
    source: { kind: "dynamodb", table: "storeInventory" },
    memoryMb: 256,
    timeoutSeconds: 30,
    // Counter writes are one Redis call each: large batches, no window, so the counters trail the table by a poll.
    batchSize: 100,
    maximumBatchingWindowSeconds: 0,
    startingPosition: "TRIM_HORIZON",
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 10,
    // A day: DynamoDB Streams keeps records 24 hours, so an older record is gone anyway.
    maximumRecordAgeSeconds: 86_400,
    // Changes of one row keep their order (one partition key per batch stream); rows are independent of each other.
    parallelizationFactor: 1,
    reportBatchItemFailures: true,
    onFailureQueue: "stockStreamFailures",
    local: { idlePollMs: 250 },
  },
} as const satisfies Record<string, StreamEventSourceMappingSpec>;

/** Functions that serve HTTP routes of API Gateway directly (not through a load balancer). */
export const apiFunctions = {
  // The analytics read API: a few Data API statements per request, within API Gateway's 29 s integration timeout.
  analyticsApi: { name: "analytics-api", handlerModule: "functions/analytics/src/lambda.ts", memoryMb: 512, timeoutSeconds: 29 },
} as const satisfies Record<string, LambdaSpec>;

/** Long-running consumers: a process of their own (systemd on their instance; a child of `npm start` locally). */
export const longRunningWorkers = {
  analytics: { name: "analytics-worker", module: "functions/analytics/src/worker.ts" },
} as const;

/**
 * Why Lambda's CreateEventSourceMapping would refuse these stream parameters, or undefined. From the Lambda API
 * reference (CreateEventSourceMapping) and "Lambda parameters for Kinesis / DynamoDB event source mappings".
 */
export function streamEventSourceMappingError(spec: Omit<StreamEventSourceMappingSpec, keyof LambdaSpec | "local" | "source" | "onFailureQueue">): string | undefined {
  const whole = (value: number) => Number.isInteger(value);
  if (!(whole(spec.batchSize) && spec.batchSize >= 1 && spec.batchSize <= 10_000)) return `BatchSize must be from 1 to 10000 for a stream (given ${spec.batchSize})`;
  const window = spec.maximumBatchingWindowSeconds;
  if (!(whole(window) && window >= 0 && window <= 300)) return `MaximumBatchingWindowInSeconds must be a whole number of seconds from 0 to 300 (given ${window})`;
  const retries = spec.maximumRetryAttempts;
  if (!(whole(retries) && retries >= -1 && retries <= 10_000)) return `MaximumRetryAttempts must be -1 or from 0 to 10000 (given ${retries})`;
  const age = spec.maximumRecordAgeSeconds;
  if (!(whole(age) && (age === -1 || (age >= 60 && age <= 604_800)))) return `MaximumRecordAgeInSeconds must be -1 or from 60 to 604800 (given ${age})`;
  const factor = spec.parallelizationFactor;
  if (!(whole(factor) && factor >= 1 && factor <= 10)) return `ParallelizationFactor must be from 1 to 10 (given ${factor})`;
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
  loyaltyTierRun: {
    // Starts the hourly tier recalculation on a loyalty instance through the NLB (the run itself is not a Lambda's).
    name: "loyalty-tier-run",
    handlerModule: "functions/loyalty/src/jobs/scheduled-tier-run.ts",
    schedule: "cron(0 * * * ? *)",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, ScheduledFunctionSpec>;

/** Functions the platform runs for itself: the deploy invokes the migrator before the services start. */
export const platformFunctions = {
  databaseMigrator: {
    name: "database-migrator",
    handlerModule: "functions/database/src/lambda.ts",
    memoryMb: 512,
    // Lambda's maximum is 900 s; a migration that needs longer belongs in a maintenance window, not a deploy.
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, LambdaSpec>;

/** Queues, topics and streams: the asynchronous paths between the services. */
import { DAY_SECONDS } from "./units.ts";

export interface QueueSpec {
  /** Queue name as AWS knows it (FIFO names end in `.fifo`). */
  readonly name: string;
  readonly resource: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication?: boolean;
  /** Long-poll wait applied to receives (ReceiveMessageWaitTimeSeconds). */
  readonly receiveWaitSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  /** Dead-letter queue and how many receives a message gets before it moves there. */
  readonly deadLetter?: { readonly queueName: string; readonly maxReceiveCount: number };
  /** What the message group id is, for FIFO queues. */
  readonly messageGroupKey?: "customerId";
}

const FOUR_DAYS = 4 * DAY_SECONDS;
const FOURTEEN_DAYS = 14 * DAY_SECONDS;

export const queues = {
  orderSubmission: {
    name: "order-submission-queue",
    resource: "OrderSubmissionQueue",
    fifo: false,
    receiveWaitSeconds: 20,
    // Six times its consumer's 30 s timeout, as AWS recommends for Lambda event sources.
    visibilityTimeoutSeconds: 180,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "order-submission-dlq", maxReceiveCount: 5 },
  },
  paymentProcessing: {
    name: "payment-processing-queue.fifo",
    resource: "PaymentProcessingQueue",
    fifo: true,
    contentBasedDeduplication: true,
    receiveWaitSeconds: 20,
    // Six times the payment function timeout, as AWS recommends for Lambda event sources.
    visibilityTimeoutSeconds: 180,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "payment-processing-dlq.fifo", maxReceiveCount: 3 },
    messageGroupKey: "customerId",
  },
  notification: {
    name: "notification-queue",
    resource: "NotificationQueue",
    fifo: false,
    receiveWaitSeconds: 20,
    visibilityTimeoutSeconds: 60,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "notification-dlq", maxReceiveCount: 5 },
  },
  paymentResults: {
    // The order service's subscription to payment results (SNS fan-out target).
    name: "order-payment-results-queue",
    resource: "PaymentResultsQueue",
    fifo: false,
    receiveWaitSeconds: 20,
    // Six times its consumer's 30 s timeout.
    visibilityTimeoutSeconds: 180,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "order-payment-results-dlq", maxReceiveCount: 5 },
  },
  loyaltyPaymentResults: {
    // The loyalty service's subscription to payment results: each paid order accrues its points once.
    name: "loyalty-payment-results-queue",
    resource: "LoyaltyPaymentResultsQueue",
    fifo: false,
    receiveWaitSeconds: 20,
    // Six times its consumer's 30 s timeout.
    visibilityTimeoutSeconds: 180,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "loyalty-payment-results-dlq", maxReceiveCount: 5 },
  },
  // Analytics' dead letters: the order-events mapping's on-failure destination (batches given up on) and the
  // records the consumer or the worker cannot use (poison, too late), each with its reason. Kept for the SQS maximum.
  analyticsDeadLetters: {
    name: "analytics-dead-letters",
    resource: "AnalyticsDeadLetters",
    fifo: false,
    receiveWaitSeconds: 20,
    visibilityTimeoutSeconds: 60,
    retentionSeconds: FOURTEEN_DAYS,
  },
  stockStreamFailures: {
    // The on-failure destination of the store-inventory stream consumer: descriptions of batches given up on.
    name: "inventory-stock-stream-failures",
    resource: "StockStreamFailures",
    fifo: false,
    receiveWaitSeconds: 20,
    visibilityTimeoutSeconds: 60,
    retentionSeconds: FOURTEEN_DAYS,
    // Whatever reads these (an operator's redrive tool) gets the usual dead-letter queue behind it.
    deadLetter: { queueName: "inventory-stock-stream-failures-dlq", maxReceiveCount: 5 },
  },
} as const satisfies Record<string, QueueSpec>;

/** Dead-letter queues keep messages for the SQS maximum so an operator has time to redrive them. */
export const deadLetterRetentionSeconds = FOURTEEN_DAYS;

/**
 * Every payment result carries the message attribute `traffic`: `live` for customers' orders, `synthetic` for load
 * the stress scenarios generate (the cold-start avalanche). Subscribers that act on results for real orders take
 * `live` only, so a Black Friday rehearsal exercises the whole publish path without filling their dead-letter queues.
 */
export const trafficAttribute = "traffic";
export type Traffic = "live" | "synthetic";
/** SNS subscription filter policy (message-attribute scope) that passes live traffic only. */
export const liveTrafficOnly: Readonly<Record<string, readonly string[]>> = { [trafficAttribute]: ["live"] };

export interface TopicSubscriberSpec {
  /** Queue (by catalog key) subscribed with raw delivery. */
  readonly queue: keyof typeof queues;
  /** SNS filter policy on message attributes; absent: every message. */
  readonly filterPolicy?: Readonly<Record<string, readonly string[]>>;
}

export interface TopicSpec {
  readonly name: string;
  readonly resource: string;
  readonly subscribers: readonly TopicSubscriberSpec[];
}

export const topics = {
  paymentResults: {
    name: "payment-results",
    resource: "PaymentResultsTopic",
    subscribers: [
      { queue: "paymentResults", filterPolicy: liveTrafficOnly },
      { queue: "notification", filterPolicy: liveTrafficOnly },
      { queue: "loyaltyPaymentResults", filterPolicy: liveTrafficOnly },
    ],
  },
} as const satisfies Record<string, TopicSpec>;

export interface StreamSpec {
  readonly name: string;
  readonly resource: string;
  readonly shards: number;
  readonly retentionHours: number;
  readonly partitionKey: "customerId" | "storeId";
}

export const streams = {
  orderEvents: { name: "order-events", resource: "OrderEvents", shards: 4, retentionHours: 24, partitionKey: "customerId" },
  analyticsEvents: { name: "analytics-events", resource: "AnalyticsEvents", shards: 2, retentionHours: 24, partitionKey: "storeId" },
} as const satisfies Record<string, StreamSpec>;

export type QueueKey = keyof typeof queues;
export type TopicKey = keyof typeof topics;
export type StreamKey = keyof typeof streams;

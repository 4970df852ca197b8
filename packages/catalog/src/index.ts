/**
 * The one catalog of CloudCafe resource names and settings.
 *
 * `infra/` builds AWS resources from it and `packages/local` creates the same resources on the local engines,
 * so the cloud and the laptop cannot drift apart. Keep it data only: no SDK, no Pulumi, no I/O.
 */

export * from "./documents.ts";

export const HOUR_SECONDS = 60 * 60;
export const DAY_SECONDS = 24 * HOUR_SECONDS;

export interface TableSpec {
  /** Logical name: the SST link / `Resource` name and the local table name. */
  readonly name: string;
  /** SST component / `Resource` link name. */
  readonly resource: string;
  readonly partitionKey: { readonly name: string; readonly type: "S" | "N" };
  readonly sortKey?: { readonly name: string; readonly type: "S" | "N" };
  /** Attribute holding the epoch-seconds expiry, when the table has TTL. */
  readonly ttlAttribute?: string;
  /** Default time to live written by the application, in seconds. */
  readonly ttlSeconds?: number;
  readonly stream?: "NEW_IMAGE" | "NEW_AND_OLD_IMAGES";
  readonly pointInTimeRecovery: true;
  readonly billing: "PAY_PER_REQUEST";
}

export const tables = {
  activeOrders: {
    name: "active-orders",
    resource: "ActiveOrders",
    partitionKey: { name: "orderId", type: "S" },
    ttlAttribute: "expiresAt",
    ttlSeconds: DAY_SECONDS,
    pointInTimeRecovery: true,
    billing: "PAY_PER_REQUEST",
  },
  paymentTransactions: {
    name: "payment-transactions",
    resource: "PaymentTransactions",
    partitionKey: { name: "paymentId", type: "S" },
    // Written only on synthetic (stress) payments, which expire after a day; a customer's payment never does.
    ttlAttribute: "expiresAt",
    ttlSeconds: DAY_SECONDS,
    pointInTimeRecovery: true,
    billing: "PAY_PER_REQUEST",
  },
  storeInventory: {
    name: "store-inventory",
    resource: "StoreInventory",
    partitionKey: { name: "storeId", type: "S" },
    sortKey: { name: "sku", type: "S" },
    stream: "NEW_AND_OLD_IMAGES",
    pointInTimeRecovery: true,
    billing: "PAY_PER_REQUEST",
  },
} as const satisfies Record<string, TableSpec>;

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
    visibilityTimeoutSeconds: 60,
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
    visibilityTimeoutSeconds: 60,
    retentionSeconds: FOUR_DAYS,
    deadLetter: { queueName: "order-payment-results-dlq", maxReceiveCount: 5 },
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

/** Lambda event-source mapping of the payment processor onto the FIFO queue. */
export const paymentProcessorMapping = {
  queue: "paymentProcessing",
  batchSize: 10,
  maximumBatchingWindowSeconds: 5,
  reportBatchItemFailures: true,
  memoryMb: 512,
  timeoutSeconds: 30,
  reservedConcurrency: 100,
} as const;

/** Ports the services listen on inside their containers / instances, and the ALB path rules. */
export const services = {
  order: { port: 8080, pathPrefix: "/api/orders", healthPath: "/health" },
  inventory: { port: 8080, pathPrefix: "/api/inventory", healthPath: "/health" },
  menu: { port: 8080, pathPrefix: "/api/menu", healthPath: "/health" },
  loyalty: { port: 8080, pathPrefix: "/api/loyalty", healthPath: "/health" },
} as const;

/** Cache time-to-live values from the architecture's caching strategy. */
export const cacheTtlSeconds = {
  menuItems: 5 * 60,
  userSessions: 30 * 60,
  storeMetadata: HOUR_SECONDS,
  orderReadThrough: 5 * 60,
} as const;

/** Aurora PostgreSQL (`Resource.Database`: host, port, username, database, and `password` locally or the managed `secretArn` when deployed). */
export const postgres = { resource: "Database", port: 5432, database: "cloudcafe" } as const;
/** ElastiCache Redis (`Resource.Cache`: host, port, username, password). */
export const redis = { resource: "Cache", port: 6379, evictionPolicy: "allkeys-lru" } as const;
/** Secret guarding destructive controls (stress, chaos): `Resource.OperatorToken.value`. */
export const operatorToken = { resource: "OperatorToken" } as const;
/**
 * Redshift Serverless for analytics, read and written through the Redshift Data API (IAM, no VPC path): the
 * namespace's database and the workgroup's name suffix (`<app>-<stage>-analytics`). Locally the Data API is a
 * stand-in over PostgreSQL serving the local stage's workgroup.
 */
export const analyticsWarehouse = {
  workgroupSuffix: "analytics",
  database: "analytics",
  local: { workgroupName: "cloudcafe-local-analytics", dataApiPort: 4568 },
} as const;

/** Metric namespaces (CloudWatch EMF). */
export const metricNamespaces = {
  order: "CloudCafe/OrderService",
  payment: "CloudCafe/PaymentProcessor",
  inventory: "CloudCafe/Inventory",
  menu: "CloudCafe/Menu",
  loyalty: "CloudCafe/Loyalty",
  analytics: "CloudCafe/Analytics",
} as const;

export type TableKey = keyof typeof tables;
export type QueueKey = keyof typeof queues;
export type TopicKey = keyof typeof topics;
export type StreamKey = keyof typeof streams;

/** Where state lives: DynamoDB tables, Aurora PostgreSQL, Redis, the analytics warehouse, and the cache TTLs. */
import { DAY_SECONDS, HOUR_SECONDS } from "./units.ts";

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
  customerNotifications: {
    // The customer's in-app inbox of order milestones (paid, payment failed, ready, refunded), one item per order and
    // milestone: the key that makes each notification go out once.
    name: "customer-notifications",
    resource: "CustomerNotifications",
    partitionKey: { name: "customerId", type: "S" },
    sortKey: { name: "notificationId", type: "S" },
    ttlAttribute: "expiresAt",
    ttlSeconds: 30 * DAY_SECONDS,
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
  // The analytics worker's KCL-style lease table: one item per shard of `analytics-events` (owner, expiry, checkpoint).
  analyticsLeases: {
    name: "analytics-leases",
    resource: "AnalyticsLeases",
    partitionKey: { name: "leaseKey", type: "S" },
    pointInTimeRecovery: true,
    billing: "PAY_PER_REQUEST",
  },
} as const satisfies Record<string, TableSpec>;

/** Cache time-to-live values from the architecture's caching strategy. */
export const cacheTtlSeconds = {
  menuItems: 5 * 60,
  userSessions: 30 * 60,
  storeMetadata: HOUR_SECONDS,
  orderReadThrough: 5 * 60,
} as const;

/** Aurora PostgreSQL (`Resource.Database`: host, port, username, database, and `password` locally or the managed `secretArn` when deployed). */
export const postgres = { resource: "Database", port: 5432, database: "cloudcafe" } as const;
/**
 * MemoryDB (durable Redis) for the inventory counters, store status and rate limits (`Resource.InventoryCounters`:
 * host, port, username). Locally a redis-server of its own on `localPort`, apart from the cache, as in AWS.
 */
export const memoryDb = { resource: "InventoryCounters", port: 6379, localPort: 6380 } as const;
/** ElastiCache Redis (`Resource.Cache`: host, port, username, password). */
export const redis = { resource: "Cache", port: 6379, evictionPolicy: "allkeys-lru" } as const;
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

export type TableKey = keyof typeof tables;

import {
  CACHE_FAULT_AGENT_ENV,
  type CacheConnection,
  cacheConnection,
  cacheLink,
  type DatabaseConnection,
  databaseConnection,
  databaseLink,
  httpServiceEnvironment,
  operatorTokenLink,
  readEnvironment,
  readLinks,
} from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "order service";

/** The SST links the Order service declares (infra links exactly these). */
const links = z.object({
  ActiveOrders: z.object({ name: z.string().min(1) }),
  OrderEvents: z.object({ name: z.string().min(1) }),
  OrderSubmissionQueue: z.object({ url: z.string().url() }),
  PaymentProcessingQueue: z.object({ url: z.string().url() }),
  NotificationQueue: z.object({ url: z.string().url() }),
  CustomerNotifications: z.object({ name: z.string().min(1) }),
  Database: databaseLink,
  Cache: cacheLink,
  OperatorToken: operatorTokenLink,
});

const environment = httpServiceEnvironment.extend({
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  /** The relay loop's passes space out to this on a quiet service (10 s without a row), back at the interval on the next row. */
  OUTBOX_RELAY_MAX_IDLE_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  OUTBOX_MAX_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Where the Menu service's `/api/menu/*` is served (the gateway locally, the ALB when deployed): orders are priced from it. */
  MENU_SERVICE_URL: z.string().url(),
  /** How long a menu read from the Menu service prices orders before it is revalidated (an unchanged menu costs a 304). */
  MENU_REFRESH_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /**
   * The Inventory service, where orders reserve their stock before payment (directly on the laptop, its VPC Lattice
   * service when deployed). Unset: stock is not tracked (a stage without the Inventory service).
   */
  INVENTORY_SERVICE_URL: z.string().url().optional(),
  /** `iam`: requests are SigV4-signed for the Lattice service's IAM auth (deployed); `none` on the laptop. */
  INVENTORY_SERVICE_AUTH: z.enum(["none", "iam"]).default("none"),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /**
   * Whether the container runs the cache fault agent (elasticache-flush, redis-eviction-pressure, read from the fault
   * parameter every 5 s). `off` where something else causes those faults: `npm start`'s control plane does it itself.
   */
  [CACHE_FAULT_AGENT_ENV]: z.enum(["on", "off"]).default("on"),
});

export interface OrderServiceConfig {
  port: number;
  host: string;
  activeOrdersTable: string;
  orderEventsStream: string;
  orderSubmissionQueueUrl: string;
  paymentQueueUrl: string;
  /** Where READY goes to be told to the customer, and the inbox the console reads. */
  notificationQueueUrl: string;
  notificationsTable: string;
  database: DatabaseConnection;
  databasePoolMax: number;
  cache: CacheConnection;
  menuServiceUrl: string;
  menuRefreshMs: number;
  inventoryServiceUrl: string | undefined;
  /** Set when calls to the Inventory service are SigV4-signed (VPC Lattice with IAM auth): the region they are signed for. */
  inventorySigningRegion: string | undefined;
  operatorToken: string | undefined;
  outboxRelayIntervalMs: number;
  outboxRelayMaxIdleIntervalMs: number;
  outboxMaxBackoffSeconds: number;
  stressWorkerFile: string | undefined;
  /** The container runs the cache fault agent (see CACHE_FAULT_AGENT). */
  cacheFaultAgent: boolean;
}

/** The Order service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus a few env settings. */
export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): OrderServiceConfig {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  return {
    port: settings.PORT,
    host: settings.HOST,
    activeOrdersTable: linked.ActiveOrders.name,
    orderEventsStream: linked.OrderEvents.name,
    orderSubmissionQueueUrl: linked.OrderSubmissionQueue.url,
    paymentQueueUrl: linked.PaymentProcessingQueue.url,
    notificationQueueUrl: linked.NotificationQueue.url,
    notificationsTable: linked.CustomerNotifications.name,
    database: databaseConnection(linked.Database),
    databasePoolMax: settings.DATABASE_POOL_MAX,
    cache: cacheConnection(linked.Cache),
    menuServiceUrl: settings.MENU_SERVICE_URL,
    menuRefreshMs: settings.MENU_REFRESH_MS,
    inventoryServiceUrl: settings.INVENTORY_SERVICE_URL,
    inventorySigningRegion: settings.INVENTORY_SERVICE_AUTH === "iam" ? settings.AWS_REGION : undefined,
    operatorToken: linked.OperatorToken?.value,
    outboxRelayIntervalMs: settings.OUTBOX_RELAY_INTERVAL_MS,
    outboxRelayMaxIdleIntervalMs: Math.max(settings.OUTBOX_RELAY_INTERVAL_MS, settings.OUTBOX_RELAY_MAX_IDLE_INTERVAL_MS),
    outboxMaxBackoffSeconds: settings.OUTBOX_MAX_BACKOFF_SECONDS,
    stressWorkerFile: settings.STRESS_WORKER_FILE,
    cacheFaultAgent: settings[CACHE_FAULT_AGENT_ENV] === "on",
  };
}

import { Resource } from "sst";
import { z } from "zod";
import type { CacheConnection } from "../redis/client.ts";
import type { DatabaseConnection } from "../postgres/client.ts";

const localHosts = new Set(["127.0.0.1", "localhost", "::1"]);

const linked = z.object({
  ActiveOrders: z.object({ name: z.string().min(1) }),
  OrderEvents: z.object({ name: z.string().min(1) }),
  OrderSubmissionQueue: z.object({ url: z.string().url() }),
  PaymentProcessingQueue: z.object({ url: z.string().url() }),
  Database: z.object({
    host: z.string().min(1),
    port: z.coerce.number().int(),
    username: z.string().min(1),
    password: z.string(),
    database: z.string().min(1),
  }),
  Cache: z.object({
    host: z.string().min(1),
    port: z.coerce.number().int(),
    username: z.string().optional(),
    password: z.string().optional(),
  }),
  OperatorToken: z.object({ value: z.string().min(16) }).optional(),
});

const environment = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  OUTBOX_MAX_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});

export interface OrderServiceConfig {
  port: number;
  activeOrdersTable: string;
  orderEventsStream: string;
  orderSubmissionQueueUrl: string;
  paymentQueueUrl: string;
  database: DatabaseConnection;
  databasePoolMax: number;
  cache: CacheConnection;
  operatorToken: string | undefined;
  outboxRelayIntervalMs: number;
  outboxMaxBackoffSeconds: number;
}

function link(name: string): unknown {
  return name in Resource ? (Resource as unknown as Record<string, unknown>)[name] : undefined;
}

/** The Order service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus a few env settings. */
export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  const links = linked.parse(Object.fromEntries(Object.keys(linked.shape).map((name) => [name, link(name)])));
  const settings = environment.parse(env);
  return {
    port: settings.PORT,
    activeOrdersTable: links.ActiveOrders.name,
    orderEventsStream: links.OrderEvents.name,
    orderSubmissionQueueUrl: links.OrderSubmissionQueue.url,
    paymentQueueUrl: links.PaymentProcessingQueue.url,
    database: { ...links.Database, ssl: !localHosts.has(links.Database.host) },
    databasePoolMax: settings.DATABASE_POOL_MAX,
    cache: { ...links.Cache, tls: !localHosts.has(links.Cache.host) },
    operatorToken: links.OperatorToken?.value,
    outboxRelayIntervalMs: settings.OUTBOX_RELAY_INTERVAL_MS,
    outboxMaxBackoffSeconds: settings.OUTBOX_MAX_BACKOFF_SECONDS,
  };
}

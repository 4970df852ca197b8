import { hostname } from "node:os";
import { httpServiceEnvironment, readEnvironment, readLinks } from "@cloudcafe/adapters";
import { z } from "zod";

/**
 * The Analytics service's configuration, one reader per entry: the worker (EC2 instance), the read API (Lambda or
 * the local server) and the order-events consumer (Lambda). Each reads only the links it is given.
 */

/** The warehouse: the Redshift Serverless workgroup and database infra sets, and the schema of the star schema. */
const warehouseEnvironment = z.object({
  ANALYTICS_WORKGROUP_NAME: z.string().min(1),
  ANALYTICS_DATABASE_NAME: z.string().min(1),
  ANALYTICS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default("analytics"),
});

export interface WarehouseConfig {
  workgroupName: string;
  database: string;
  schema: string;
}

const warehouseOf = (env: z.output<typeof warehouseEnvironment>): WarehouseConfig => ({
  workgroupName: env.ANALYTICS_WORKGROUP_NAME,
  database: env.ANALYTICS_DATABASE_NAME,
  schema: env.ANALYTICS_SCHEMA,
});

const workerLinks = z.object({
  AnalyticsEvents: z.object({ name: z.string().min(1) }),
  AnalyticsLeases: z.object({ name: z.string().min(1) }),
  AnalyticsDeadLetters: z.object({ url: z.string().url() }),
});

const workerEnvironment = warehouseEnvironment.extend({
  /** Who holds the leases. The instance's host name by default, so a restarted worker takes its own leases back at once. */
  ANALYTICS_WORKER_ID: z.string().min(1).max(128).default(hostname()),
  ANALYTICS_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  ANALYTICS_ALLOWED_LATENESS_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  ANALYTICS_LEASE_DURATION_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  ANALYTICS_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  ANALYTICS_POLL_INTERVAL_MS: z.coerce.number().int().min(200).max(10_000).default(250),
  /** The pause between reads on a stream quiet for 10 s grows up to this (KCL reads an idle shard once a second). */
  ANALYTICS_MAX_IDLE_POLL_INTERVAL_MS: z.coerce.number().int().min(200).max(10_000).default(2_000),
  ANALYTICS_DISCOVERY_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  ANALYTICS_MAX_RECORDS_PER_READ: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

export interface AnalyticsWorkerConfig {
  streamName: string;
  leaseTable: string;
  deadLetterQueueUrl: string;
  warehouse: WarehouseConfig;
  workerId: string;
  windowMs: number;
  allowedLatenessMs: number;
  leaseDurationMs: number;
  flushIntervalMs: number;
  pollIntervalMs: number;
  maxIdlePollIntervalMs: number;
  discoveryIntervalMs: number;
  maxRecordsPerRead: number;
}

export function loadAnalyticsWorkerConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): AnalyticsWorkerConfig {
  const linked = readLinks("analytics worker", workerLinks, resources);
  const settings = readEnvironment("analytics worker", workerEnvironment, env);
  return {
    streamName: linked.AnalyticsEvents.name,
    leaseTable: linked.AnalyticsLeases.name,
    deadLetterQueueUrl: linked.AnalyticsDeadLetters.url,
    warehouse: warehouseOf(settings),
    workerId: settings.ANALYTICS_WORKER_ID,
    windowMs: settings.ANALYTICS_WINDOW_MS,
    allowedLatenessMs: settings.ANALYTICS_ALLOWED_LATENESS_MS,
    leaseDurationMs: settings.ANALYTICS_LEASE_DURATION_MS,
    flushIntervalMs: settings.ANALYTICS_FLUSH_INTERVAL_MS,
    pollIntervalMs: settings.ANALYTICS_POLL_INTERVAL_MS,
    maxIdlePollIntervalMs: Math.max(settings.ANALYTICS_POLL_INTERVAL_MS, settings.ANALYTICS_MAX_IDLE_POLL_INTERVAL_MS),
    discoveryIntervalMs: settings.ANALYTICS_DISCOVERY_INTERVAL_MS,
    maxRecordsPerRead: settings.ANALYTICS_MAX_RECORDS_PER_READ,
  };
}

export interface AnalyticsApiConfig {
  port: number;
  host: string;
  warehouse: WarehouseConfig;
}

export function loadAnalyticsApiConfig(env: NodeJS.ProcessEnv = process.env): AnalyticsApiConfig {
  const settings = readEnvironment("analytics API", httpServiceEnvironment.extend(warehouseEnvironment.shape), env);
  return { port: settings.PORT, host: settings.HOST, warehouse: warehouseOf(settings) };
}

const consumerLinks = z.object({
  AnalyticsEvents: z.object({ name: z.string().min(1) }),
  AnalyticsDeadLetters: z.object({ url: z.string().url() }),
});

const consumerEnvironment = z.object({
  /** Where the Menu service answers (the gateway locally, the ALB deployed): the SKUs' categories come from it. */
  MENU_SERVICE_URL: z.string().url(),
  MENU_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
});

export interface OrderEventsConsumerConfig {
  analyticsStreamName: string;
  deadLetterQueueUrl: string;
  menuServiceUrl: string;
  menuRefreshMs: number;
}

export function loadOrderEventsConsumerConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): OrderEventsConsumerConfig {
  const linked = readLinks("analytics order-events consumer", consumerLinks, resources);
  const settings = readEnvironment("analytics order-events consumer", consumerEnvironment, env);
  return {
    analyticsStreamName: linked.AnalyticsEvents.name,
    deadLetterQueueUrl: linked.AnalyticsDeadLetters.url,
    menuServiceUrl: settings.MENU_SERVICE_URL,
    menuRefreshMs: settings.MENU_REFRESH_MS,
  };
}

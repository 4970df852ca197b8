import { Resource } from "sst";
import { z } from "zod";
import type { CacheConnection } from "../redis/client.ts";
import type { DatabaseConnection } from "../postgres/client.ts";
import { passwordFromSecret } from "../postgres/rotating-password.ts";

const localHosts = new Set(["127.0.0.1", "localhost", "::1"]);

const linked = z.object({
  ActiveOrders: z.object({ name: z.string().min(1) }),
  OrderEvents: z.object({ name: z.string().min(1) }),
  OrderSubmissionQueue: z.object({ url: z.string().url() }),
  PaymentProcessingQueue: z.object({ url: z.string().url() }),
  // Deployed, the password lives in the RDS-managed secret (`secretArn`); locally and in `sst dev` it is inline.
  Database: z
    .object({
      host: z.string().min(1),
      port: z.coerce.number().int(),
      username: z.string().min(1),
      password: z.string().optional(),
      secretArn: z.string().min(1).optional(),
      database: z.string().min(1),
    })
    .refine((d) => d.password !== undefined || d.secretArn !== undefined, "Database link needs a password or a secretArn"),
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
  /** The stress pool's worker as a built file (the container image bundles it next to the server). */
  STRESS_WORKER_FILE: z.string().min(1).optional(),
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
  stressWorkerFile: string | undefined;
}

/** Only the links this service uses are read, so a missing one is named by the schema, not thrown by SST's proxy. */
function linkedResources(): Record<string, unknown> {
  const resources = Resource as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(linked.shape).filter((name) => name in resources).map((name) => [name, resources[name]]));
}

/** The Order service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus a few env settings. */
export function loadOrderServiceConfig(env: NodeJS.ProcessEnv = process.env, resources: Record<string, unknown> = linkedResources()): OrderServiceConfig {
  const parsed = linked.safeParse(resources);
  if (!parsed.success) throw new Error(`Order service links are missing or malformed:\n${z.prettifyError(parsed.error)}`);
  const links = parsed.data;
  const settings = environment.parse(env);
  return {
    port: settings.PORT,
    activeOrdersTable: links.ActiveOrders.name,
    orderEventsStream: links.OrderEvents.name,
    orderSubmissionQueueUrl: links.OrderSubmissionQueue.url,
    paymentQueueUrl: links.PaymentProcessingQueue.url,
    database: {
      host: links.Database.host,
      port: links.Database.port,
      username: links.Database.username,
      database: links.Database.database,
      password: links.Database.secretArn ? passwordFromSecret(links.Database.secretArn) : (links.Database.password ?? ""),
      ssl: !localHosts.has(links.Database.host),
    },
    databasePoolMax: settings.DATABASE_POOL_MAX,
    cache: { ...links.Cache, tls: !localHosts.has(links.Cache.host) },
    operatorToken: links.OperatorToken?.value,
    outboxRelayIntervalMs: settings.OUTBOX_RELAY_INTERVAL_MS,
    outboxMaxBackoffSeconds: settings.OUTBOX_MAX_BACKOFF_SECONDS,
    stressWorkerFile: settings.STRESS_WORKER_FILE,
  };
}

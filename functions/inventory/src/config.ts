import {
  httpServiceEnvironment,
  type MemoryDbConnection,
  memoryDbConnection,
  memoryDbLink,
  operatorTokenLink,
  readEnvironment,
  readLinks,
} from "@cloudcafe/adapters";
import { DEFAULT_RESERVATION_TIMEOUT_MS, defaultInventoryRateLimits, type InventoryRateLimits } from "@cloudcafe/core";
import { z } from "zod";

const SERVICE = "inventory service";

/** The SST links the Inventory service declares (infra links exactly these). */
const links = z.object({
  StoreInventory: z.object({ name: z.string().min(1) }),
  InventoryCounters: memoryDbLink,
  OperatorToken: operatorTokenLink,
});

const environment = httpServiceEnvironment.extend({
  /** Deployed: the VPC Lattice target group the order service reaches this service through, and this pod's IP in it. */
  LATTICE_TARGET_GROUP_ARN: z.string().min(1).optional(),
  POD_IP: z.string().min(1).optional(),
  /** The region MemoryDB's IAM tokens are signed for (the pod's region when deployed). */
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** How long a reservation holds stock for an unpaid order before the sweeper releases it. */
  RESERVATION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(24 * 3_600_000).default(DEFAULT_RESERVATION_TIMEOUT_MS),
  /** How often each replica's sweeper looks for reservations past their timeout. */
  RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Stock the starter stores when the table is empty at start (a fresh stage or laptop). */
  INVENTORY_LOAD_STARTER: z.enum(["true", "false"]).default("true").transform((value) => value === "true"),
  /** Token buckets per store (MemoryDB): the burst and the steady rate of stock updates and of reservations. */
  UPDATE_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(defaultInventoryRateLimits.updates.capacity),
  UPDATE_RATE_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(defaultInventoryRateLimits.updates.refillPerSecond),
  RESERVATION_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(defaultInventoryRateLimits.reservations.capacity),
  RESERVATION_RATE_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(defaultInventoryRateLimits.reservations.refillPerSecond),
});

export interface InventoryServiceConfig {
  port: number;
  host: string;
  table: string;
  counters: MemoryDbConnection;
  operatorToken: string | undefined;
  reservationTimeoutMs: number;
  sweepIntervalMs: number;
  loadStarterStock: boolean;
  rateLimits: InventoryRateLimits;
  /** Where this pod registers itself for VPC Lattice (the order flow's path to the reservations), when deployed. */
  lattice: { targetGroupArn: string; ip: string } | undefined;
  stressWorkerFile: string | undefined;
}

/** The Inventory service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus a few env settings. */
export function loadInventoryServiceConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): InventoryServiceConfig {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  return {
    port: settings.PORT,
    host: settings.HOST,
    table: linked.StoreInventory.name,
    counters: memoryDbConnection(linked.InventoryCounters, settings.AWS_REGION),
    operatorToken: linked.OperatorToken?.value,
    reservationTimeoutMs: settings.RESERVATION_TIMEOUT_MS,
    sweepIntervalMs: settings.RESERVATION_SWEEP_INTERVAL_MS,
    loadStarterStock: settings.INVENTORY_LOAD_STARTER,
    lattice: settings.LATTICE_TARGET_GROUP_ARN && settings.POD_IP ? { targetGroupArn: settings.LATTICE_TARGET_GROUP_ARN, ip: settings.POD_IP } : undefined,
    rateLimits: {
      updates: { capacity: settings.UPDATE_RATE_BURST, refillPerSecond: settings.UPDATE_RATE_PER_SECOND },
      reservations: { capacity: settings.RESERVATION_RATE_BURST, refillPerSecond: settings.RESERVATION_RATE_PER_SECOND },
    },
    stressWorkerFile: settings.STRESS_WORKER_FILE,
  };
}

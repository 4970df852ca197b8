import { join } from "node:path";
import { analyticsWarehouse, documentDatabase, memoryDb, type ServiceKey, serviceOrchestration, services } from "@cloudcafe/catalog";
import { repoRoot } from "./paths.ts";

/**
 * Where the local platform listens. Read once from the environment; every engine binds to 127.0.0.1.
 * Defaults follow each engine's own convention so AWS tooling pointed at "the usual port" finds it.
 */
export interface LocalConfig {
  readonly host: "127.0.0.1";
  readonly region: "us-east-1";
  readonly ports: {
    readonly dynamodb: number;
    readonly sqsSns: number;
    readonly kinesis: number;
    readonly redshiftData: number;
    readonly documentDb: number;
    readonly gateway: number;
    /** The chaos control plane's API (the gateway routes /api/chaos to it). */
    readonly chaos: number;
    /** MemoryDB's stand-in (a second redis-server). */
    readonly memoryDb: number;
    /** The metrics sink's ops API behind the gateway's `/api/ops` (0: any free port). */
    readonly ops: number;
    /** Each HTTP service's local port: the catalog's `localPort`, or `CLOUDCAFE_<SERVICE>_PORT`. */
    readonly services: Readonly<Record<ServiceKey, number>>;
  };
  /**
   * Copies of each HTTP service `npm start` runs: the catalog's `localReplicas` (2 for the order service, as its ECS
   * desired count), or `CLOUDCAFE_<SERVICE>_REPLICAS` (1 to MAX_LOCAL_REPLICAS). Copy i listens on the service's port + 100 × i.
   */
  readonly replicas: Readonly<Record<ServiceKey, number>>;
  /** A MongoDB / DocumentDB to use instead of the local stand-in (MONGODB_URL). */
  readonly mongodbUrl?: string;
  /** Directory for engine logs and pid files (git-ignored). */
  readonly stateDir: string;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return value;
}

/** More copies than this would only compete for the machine's cores. */
export const MAX_LOCAL_REPLICAS = 5;

function replicas(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_LOCAL_REPLICAS) throw new Error(`${name} must be a whole number from 1 to ${MAX_LOCAL_REPLICAS}, got "${raw}"`);
  return value;
}

/** The port of copy `index` of a service whose first copy listens on `port`. */
export const replicaPort = (port: number, index: number) => port + 100 * index;

export function readLocalConfig(): LocalConfig {
  return {
    host: "127.0.0.1",
    region: "us-east-1",
    ports: {
      dynamodb: port("CLOUDCAFE_DYNAMODB_PORT", 8000),
      sqsSns: port("CLOUDCAFE_SQS_PORT", 4566),
      kinesis: port("CLOUDCAFE_KINESIS_PORT", 4567),
      redshiftData: port("CLOUDCAFE_REDSHIFT_DATA_PORT", analyticsWarehouse.local.dataApiPort),
      documentDb: port("CLOUDCAFE_DOCUMENTDB_PORT", documentDatabase.port),
      gateway: port("CLOUDCAFE_GATEWAY_PORT", 3000),
      chaos: port("CLOUDCAFE_CHAOS_PORT", 8090),
      memoryDb: port("CLOUDCAFE_MEMORYDB_PORT", memoryDb.localPort),
      ops: port("CLOUDCAFE_OPS_PORT", 0),
      services: Object.fromEntries(
        (Object.keys(services) as ServiceKey[]).map((key) => [key, port(`CLOUDCAFE_${key.toUpperCase()}_PORT`, services[key].localPort)]),
      ) as Record<ServiceKey, number>,
    },
    replicas: Object.fromEntries(
      (Object.keys(services) as ServiceKey[]).map((key) => [key, replicas(`CLOUDCAFE_${key.toUpperCase()}_REPLICAS`, serviceOrchestration[key].localReplicas)]),
    ) as Record<ServiceKey, number>,
    mongodbUrl: process.env.MONGODB_URL || undefined,
    stateDir: process.env.CLOUDCAFE_STATE_DIR ?? join(repoRoot, ".local"),
  };
}

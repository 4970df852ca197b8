import {
  type CacheConnection,
  cacheConnection,
  cacheLink,
  type DocumentDbConnection,
  documentDbConnection,
  documentDbLink,
  httpServiceEnvironment,
  operatorTokenLink,
  readEnvironment,
  readLinks,
} from "@cloudcafe/adapters";
import { z } from "zod";

const SERVICE = "menu service";

/** The SST links the Menu service declares (infra links exactly these). */
const links = z.object({
  MenuDocuments: documentDbLink,
  Cache: cacheLink,
  OperatorToken: operatorTokenLink,
});

const MIB = 1024 * 1024;

const environment = httpServiceEnvironment.extend({
  /** The RDS CA bundle DocumentDB's certificate chains to (the container image carries it here). */
  DOCUMENTDB_CA_FILE: z.string().min(1).default("/etc/ssl/certs/rds-global-bundle.pem"),
  DOCUMENTDB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /**
   * Body limit of `POST /api/menu/sync`: API Gateway's 10 MiB at the edge, which fits 10,000 items with thumbnails of
   * a few hundred bytes; larger images belong on the CDN, referenced by their digest.
   */
  MENU_SYNC_BODY_LIMIT_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * MIB).default(10 * MIB),
  /** Load the starter menu into an empty collection at start (a fresh stage or laptop). */
  MENU_LOAD_STARTER: z.enum(["true", "false"]).default("true").transform((value) => value === "true"),
});

export interface MenuServiceConfig {
  port: number;
  host: string;
  documents: DocumentDbConnection;
  documentPoolMax: number;
  cache: CacheConnection;
  operatorToken: string | undefined;
  syncBodyLimitBytes: number;
  loadStarterMenu: boolean;
  stressWorkerFile: string | undefined;
}

/** The Menu service's configuration: SST links (`Resource`, i.e. SST_RESOURCE_* locally) plus a few env settings. */
export function loadMenuServiceConfig(env: NodeJS.ProcessEnv = process.env, resources?: Record<string, unknown>): MenuServiceConfig {
  const linked = readLinks(SERVICE, links, resources);
  const settings = readEnvironment(SERVICE, environment, env);
  return {
    port: settings.PORT,
    host: settings.HOST,
    documents: documentDbConnection(linked.MenuDocuments, settings.DOCUMENTDB_CA_FILE),
    documentPoolMax: settings.DOCUMENTDB_POOL_MAX,
    cache: cacheConnection(linked.Cache),
    operatorToken: linked.OperatorToken?.value,
    syncBodyLimitBytes: settings.MENU_SYNC_BODY_LIMIT_BYTES,
    loadStarterMenu: settings.MENU_LOAD_STARTER,
    stressWorkerFile: settings.STRESS_WORKER_FILE,
  };
}

import {
  type CacheConnection,
  cacheConnection,
  cacheLink,
  type DatabaseConnection,
  databaseConnection,
  databaseLink,
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

/**
 * The SST links the Menu service declares: its menu store (DocumentDB `MenuDocuments`, or the Aurora `Database` on a
 * lean stage, which has no DocumentDB; infra links the one `MENU_STORE` names), the cache and the operator token.
 */
const links = z.object({
  MenuDocuments: documentDbLink.optional(),
  Database: databaseLink.optional(),
  Cache: cacheLink,
  OperatorToken: operatorTokenLink,
});

const MIB = 1024 * 1024;

const environment = httpServiceEnvironment.extend({
  /** Where the menu lives: DocumentDB `menu_configs` (the architecture), or Aurora PostgreSQL (the lean profile). */
  MENU_STORE: z.enum(["documentdb", "postgres"]).default("documentdb"),
  /** The RDS CA bundle DocumentDB's certificate chains to (the container image carries it here). */
  DOCUMENTDB_CA_FILE: z.string().min(1).default("/etc/ssl/certs/rds-global-bundle.pem"),
  /** Connections to the menu store (DocumentDB or PostgreSQL) per process. */
  DOCUMENTDB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(20),
  /**
   * Body limit of `POST /api/menu/sync`: API Gateway's 10 MiB at the edge, which fits 10,000 items with thumbnails of
   * a few hundred bytes; larger images belong on the CDN, referenced by their digest.
   */
  MENU_SYNC_BODY_LIMIT_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * MIB).default(10 * MIB),
  /**
   * Close the DocumentDB client after this many seconds without a menu read or write, and open it again at the next
   * (unset: never). `npm start` sets it: the driver checks its pool ten times a second while a client is open.
   */
  DOCUMENTDB_IDLE_CLOSE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /** Load the starter menu into an empty collection at start (a fresh stage or laptop). */
  MENU_LOAD_STARTER: z.enum(["true", "false"]).default("true").transform((value) => value === "true"),
});

/** The menu's system of record and its connection. */
export type MenuStoreConfig =
  | { kind: "documentdb"; documents: DocumentDbConnection; poolMax: number; idleCloseSeconds?: number | undefined }
  | { kind: "postgres"; database: DatabaseConnection; poolMax: number };

export interface MenuServiceConfig {
  port: number;
  host: string;
  store: MenuStoreConfig;
  /** Prefix of the menu's cache keys: the menu database's name, so two menus sharing a Redis never share entries. */
  cacheNamespace: string;
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
  const store = menuStore(settings.MENU_STORE, linked, settings);
  return {
    port: settings.PORT,
    host: settings.HOST,
    store,
    cacheNamespace: store.kind === "documentdb" ? store.documents.database : `${store.database.database}.menu`,
    cache: cacheConnection(linked.Cache),
    operatorToken: linked.OperatorToken?.value,
    syncBodyLimitBytes: settings.MENU_SYNC_BODY_LIMIT_BYTES,
    loadStarterMenu: settings.MENU_LOAD_STARTER,
    stressWorkerFile: settings.STRESS_WORKER_FILE,
  };
}

function menuStore(
  kind: "documentdb" | "postgres",
  linked: z.output<typeof links>,
  settings: z.output<typeof environment>,
): MenuStoreConfig {
  if (kind === "postgres") {
    if (!linked.Database) throw new Error(`${SERVICE}: MENU_STORE=postgres needs the Database link`);
    return { kind, database: databaseConnection(linked.Database), poolMax: settings.DOCUMENTDB_POOL_MAX };
  }
  if (!linked.MenuDocuments) throw new Error(`${SERVICE}: MENU_STORE=documentdb (the default) needs the MenuDocuments link`);
  return {
    kind,
    documents: documentDbConnection(linked.MenuDocuments, settings.DOCUMENTDB_CA_FILE),
    poolMax: settings.DOCUMENTDB_POOL_MAX,
    idleCloseSeconds: settings.DOCUMENTDB_IDLE_CLOSE_SECONDS,
  };
}

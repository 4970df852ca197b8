import { MongoClient } from "mongodb";
import { documentDatabase } from "@cloudcafe/catalog";
import { STAND_IN_MARKER } from "../stand-ins/documentdb/commands/server-info.ts";
import { type Engine, type EngineStartOptions, type NodeServerEngineSpec, startNodeServerEngine } from "./engine.ts";
import { ensureDatabase } from "./postgres.ts";

/** The PostgreSQL database, on the platform's server, that holds the stand-in's collections. */
export const DOCUMENTDB_STORAGE_DATABASE = "documentdb";

/** A client URL for the catalog's database with the connection options DocumentDB requires. */
export function documentDbUrl(host: string, port: number): string {
  return `mongodb://${host}:${port}/${documentDatabase.database}?${new URLSearchParams(documentDatabase.connectionOptions)}`;
}

async function withClient<T>(url: string, timeoutMs: number, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/**
 * True when a MongoDB-compatible server answers ping at `url` (TLS, credentials and SRV as the URL says). Patient:
 * a remote cluster, or a local one on a machine busy with a test run, may take seconds to answer.
 */
const mongoAnswers = (url: string) =>
  withClient(url, 10_000, async (client) => (await client.db("admin").command({ ping: 1 })).ok === 1).catch(() => false);

/** True when the stand-in answers on host:port and keeps its data in `storage` (it is then safe to reuse). */
const standInAnswers = (host: string, port: number, storage: string) =>
  withClient(`mongodb://${host}:${port}/?directConnection=true`, 3_000, async (client) => {
    const marker = (await client.db("admin").command({ buildInfo: 1 }))[STAND_IN_MARKER] as { service?: string; storage?: string } | undefined;
    return marker?.service === "documentdb" && marker.storage === storage;
  }).catch(() => false);

/**
 * DocumentDB locally: the MongoDB-wire stand-in (src/stand-ins/documentdb) answering as the primary of `rs0`, as a
 * DocumentDB cluster does, over the PostgreSQL database `documentdb` (created here). With `config.mongodbUrl`
 * (MONGODB_URL) that server is the engine, already running, and nothing is to be started.
 */
export async function documentDbEngine(options: EngineStartOptions, postgres: Pick<Engine, "url">): Promise<NodeServerEngineSpec | Engine> {
  const explicit = options.config.mongodbUrl;
  if (explicit) {
    if (!(await mongoAnswers(explicit))) throw new Error("MONGODB_URL is set but no MongoDB answers ping there");
    return { name: "DocumentDB (MONGODB_URL)", url: explicit, reused: true, health: () => mongoAnswers(explicit), stop: async () => {} };
  }
  await ensureDatabase(postgres.url, DOCUMENTDB_STORAGE_DATABASE);
  const storage = new URL(postgres.url);
  storage.pathname = `/${DOCUMENTDB_STORAGE_DATABASE}`;
  const { host } = options.config;
  const port = options.config.ports.documentDb;
  return {
    name: "DocumentDB stand-in",
    url: documentDbUrl(host, port),
    health: () => standInAnswers(host, port, DOCUMENTDB_STORAGE_DATABASE),
    launch: { server: "documentdb", port, databaseUrl: storage.toString(), replicaSetName: documentDatabase.connectionOptions.replicaSet },
  };
}

/** The engine behind MONGODB_URL, or the stand-in alone, in a Node engines process of its own unless it already answers. */
export async function startDocumentDb(options: EngineStartOptions, postgres: Pick<Engine, "url">): Promise<Engine> {
  const engine = await documentDbEngine(options, postgres);
  return "launch" in engine ? startNodeServerEngine(engine, options) : engine;
}

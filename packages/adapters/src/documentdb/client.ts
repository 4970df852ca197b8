import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import { z } from "zod";
import { documentDatabase } from "@cloudcafe/catalog";
import { passwordFromSecret, type RotatingPassword } from "../aws/rotating-password.ts";

/**
 * The `MenuDocuments` link. Locally (and with `MONGODB_URL`) it carries a `url` used as it is; deployed it names the
 * DocumentDB cluster endpoint, its database, the master user and the managed secret holding the rotated password.
 */
export const documentDbLink = z
  .object({
    url: z.string().regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// URL").optional(),
    host: z.string().min(1).optional(),
    port: z.coerce.number().int().optional(),
    database: z.string().min(1),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    secretArn: z.string().min(1).optional(),
  })
  .refine((link) => link.url !== undefined || link.host !== undefined, "MenuDocuments link needs a url or a host");

export interface DocumentDbConnection {
  /** The address without credentials; the driver's `db()` on it opens `database`. */
  url: string;
  database: string;
  username?: string | undefined;
  /** A fixed password, or the rotated secret, read again when a new connection is refused. */
  password?: string | RotatingPassword | undefined;
  /** The RDS CA bundle DocumentDB's TLS certificates chain to (deployed only). */
  tlsCaFile?: string | undefined;
}

/**
 * Deployed, DocumentDB wants TLS verified against the RDS CA bundle and the connection options of a DocumentDB
 * replica set (`replicaSet=rs0`, reads from secondaries when there are any, no retryable writes).
 */
export function documentDbConnection(link: z.output<typeof documentDbLink>, tlsCaFile: string): DocumentDbConnection {
  const credentials = {
    username: link.username,
    password: link.secretArn ? passwordFromSecret(link.secretArn) : link.password,
  };
  if (link.url) return { url: link.url, database: link.database, ...credentials };
  const options = new URLSearchParams(documentDatabase.connectionOptions);
  const url = `mongodb://${link.host}:${link.port ?? documentDatabase.port}/${link.database}?${options}`;
  return { url, database: link.database, ...credentials, tlsCaFile };
}

/** A database handle that survives a password rotation (see `run`). */
export interface DocumentDb {
  /**
   * Runs `work` on the database. When a new connection is refused for its credentials (the secret was rotated), the
   * password is read again, the client replaced, and `work` run once more; connections already open stay as they are.
   */
  run<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /**
   * Marks the database in use without an operation (a read served from a cache): with `idleCloseMs`, a client closed
   * for idleness is opened and connected again, so the driver's monitor watches the cluster while the service serves.
   */
  touch(): void;
  close(): Promise<void>;
}

const AUTHENTICATION_FAILED = 18;
/** How long a replaced client keeps its connections, so operations already running on it can finish. */
const REPLACED_CLIENT_GRACE_MS = 30_000;

function refusedCredentials(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if ((current as { code?: unknown }).code === AUTHENTICATION_FAILED) return true;
  }
  return false;
}

export function createDocumentDb(
  connection: DocumentDbConnection,
  options: {
    maxPoolSize?: number;
    /**
     * Told of every failed operation (after the credentials retry) and every failed heartbeat of the driver's server
     * monitor: the service's `DocumentDbErrors` signal.
     */
    onError?: (error: unknown) => void;
    /**
     * Close the client (its connections, its monitor and its pool's timers) after this long with no operation and no
     * `touch`; the next one opens it again. Unset (deployed): the client stays open. `npm start` sets it, so an idle
     * laptop does not run the driver's pool check ten times a second.
     */
    idleCloseMs?: number;
  } = {},
): DocumentDb {
  const settings: MongoClientOptions = {
    appName: "cloudcafe",
    maxPoolSize: options.maxPoolSize ?? 20,
    // Fail within seconds when the cluster is unreachable, so callers answer 503 instead of hanging; a connection (and
    // the driver's heartbeat on it) gets longer, so a primary busy with a 10,000-item write is not taken for gone.
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 10_000,
    ...(connection.tlsCaFile ? { tls: true, tlsCAFile: connection.tlsCaFile } : {}),
  };
  const open = async () => {
    const { password } = connection;
    const secret = typeof password === "function" ? await password() : password;
    const auth = connection.username ? { auth: { username: connection.username, password: secret } } : {};
    const created = new MongoClient(connection.url, { ...settings, ...auth });
    // The driver's monitor finds a cluster that refuses connections even while every read is served from a cache.
    created.on("serverHeartbeatFailed", (event) => options.onError?.(event.failure));
    return created;
  };
  let client: Promise<MongoClient> | undefined;
  // A client whose secret could not be read is not kept: the next call tries again.
  const connected = () => {
    client ??= open().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };

  async function renew(failed: Promise<MongoClient>): Promise<void> {
    if (client !== failed) return; // another caller already replaced it
    if (typeof connection.password === "function") connection.password.invalidate();
    client = undefined;
    const old = await failed;
    setTimeout(() => void old.close().catch(() => undefined), REPLACED_CLIENT_GRACE_MS).unref();
  }

  // Idleness: the last operation's start or end, or the last touch; a client with an operation running is never closed.
  let running = 0;
  let lastUsedAt = Date.now();
  let idleTimer: NodeJS.Timeout | undefined;
  const idleCloseMs = options.idleCloseMs;
  const closeIfIdle = () => {
    idleTimer = undefined;
    if (idleCloseMs === undefined || client === undefined) return;
    const idleFor = Date.now() - lastUsedAt;
    if (running > 0 || idleFor < idleCloseMs) {
      idleTimer = setTimeout(closeIfIdle, running > 0 ? idleCloseMs : idleCloseMs - idleFor).unref();
      return;
    }
    const idle = client;
    client = undefined;
    void idle.then((open) => open.close()).catch(() => undefined);
  };
  const used = () => {
    lastUsedAt = Date.now();
    if (idleCloseMs !== undefined && idleTimer === undefined) idleTimer = setTimeout(closeIfIdle, idleCloseMs).unref();
  };

  return {
    async run(work) {
      running += 1;
      used();
      const current = connected();
      try {
        try {
          return await work((await current).db(connection.database));
        } catch (error) {
          if (!refusedCredentials(error)) throw error;
          await renew(current);
          return await work((await connected()).db(connection.database));
        }
      } catch (error) {
        options.onError?.(error);
        throw error;
      } finally {
        running -= 1;
        used();
      }
    },
    touch() {
      const closed = client === undefined;
      used();
      // A refused connection shows as the monitor's failed heartbeats (onError); the next operation tries again.
      if (closed && idleCloseMs !== undefined) void connected().then((opened) => opened.connect()).catch(() => undefined);
    },
    async close() {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      const open = client;
      client = undefined;
      if (open) await (await open).close();
    },
  };
}

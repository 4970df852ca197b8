import { MongoClient, MongoServerError } from "mongodb";
import { ConnectionString } from "mongodb-connection-string-url";
import { documentDatabase, type DocumentCollectionKey } from "@cloudcafe/catalog";

/** The menu's document database as created for this platform (a test run's copy has its own database name). */
export interface CreatedDocumentDatabase {
  /** The client URL with the database in its path, so the driver's `db()` is this database. */
  readonly url: string;
  readonly database: string;
  readonly collections: Record<DocumentCollectionKey, string>;
}

const NAMESPACE_EXISTS = 48;
const LOCAL_HEARTBEAT_MS = 1_000;

/** Creates the catalog's collections (empty ones included, so listCollections shows them) in `database<suffix>`. */
export async function createDocumentDatabase(serverUrl: string, suffix: string): Promise<CreatedDocumentDatabase> {
  const url = new ConnectionString(serverUrl);
  const database = `${documentDatabase.database}${suffix}`;
  url.pathname = `/${database}`;
  // The driver checks the server every 10 s by default, which is five local alarm periods (a CloudWatch minute is 2 s
  // here): a check a second lets a refusing cluster show within the local periods, as 10 s does within a minute.
  if (!url.searchParams.has("heartbeatFrequencyMS")) url.searchParams.set("heartbeatFrequencyMS", String(LOCAL_HEARTBEAT_MS));
  const created = { url: url.toString(), database, collections: { ...documentDatabase.collections } };
  const client = new MongoClient(created.url);
  try {
    for (const name of Object.values(created.collections)) {
      await client
        .db()
        .createCollection(name)
        .catch((error: unknown) => {
          if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
        });
    }
  } finally {
    await client.close();
  }
  return created;
}

export async function dropDocumentDatabase(created: CreatedDocumentDatabase): Promise<void> {
  const client = new MongoClient(created.url);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** MONGODB_URL and the SST link `Resource.MenuDocuments` (url, host, port, database) for `created`. */
export function documentDatabaseEnv(created: CreatedDocumentDatabase): Record<string, string> {
  const [first = ""] = new ConnectionString(created.url).hosts;
  const separator = first.lastIndexOf(":");
  const host = separator > 0 ? first.slice(0, separator) : first;
  const port = separator > 0 ? Number(first.slice(separator + 1)) : documentDatabase.port;
  return {
    MONGODB_URL: created.url,
    [`SST_RESOURCE_${documentDatabase.resource}`]: JSON.stringify({ url: created.url, host, port, database: created.database }),
  };
}

/** The DocumentDB stand-in, keeping its collections in PostgreSQL, served in the Node engines process. */
import { createDocumentDbServer } from "../../stand-ins/documentdb/server.ts";
import { listenLocally, type ServedEngine } from "./served-engine.ts";

export async function serveDocumentDb(port: number, databaseUrl: string, replicaSetName?: string): Promise<ServedEngine> {
  const standIn = await createDocumentDbServer({ databaseUrl, ...(replicaSetName ? { replicaSetName } : {}) });
  try {
    await listenLocally(standIn.server, port);
  } catch (error) {
    await standIn.close();
    throw error;
  }
  console.log(`DocumentDB stand-in (${replicaSetName ? `primary of replica set ${replicaSetName}` : "standalone"}) listening on mongodb://127.0.0.1:${port}`);
  return { close: () => standIn.close() };
}

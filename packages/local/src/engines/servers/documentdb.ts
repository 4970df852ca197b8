/** Child-process entry: the DocumentDB stand-in on 127.0.0.1:<port>, keeping its collections in PostgreSQL. */
import { createDocumentDbServer } from "../../stand-ins/documentdb/server.ts";

const [port, databaseUrl, replicaSetName] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
if (!Number.isInteger(port) || !databaseUrl) throw new Error("usage: documentdb.ts <port> <postgres url> [replica set name]");

const standIn = await createDocumentDbServer({ databaseUrl, ...(replicaSetName ? { replicaSetName } : {}) });
standIn.server.listen(port, "127.0.0.1", () =>
  console.log(`DocumentDB stand-in (${replicaSetName ? `primary of replica set ${replicaSetName}` : "standalone"}) listening on mongodb://127.0.0.1:${port}`),
);

const close = () => void standIn.close().then(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);

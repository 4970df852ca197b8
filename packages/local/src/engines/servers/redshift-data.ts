/** The Redshift Data API stand-in, running statements on PostgreSQL, served in the Node engines process. */
import { createRedshiftDataServer } from "../../stand-ins/redshift-data/server.ts";
import { closeServer, listenLocally, type ServedEngine } from "./served-engine.ts";

export async function serveRedshiftData(port: number, databaseUrl: string, workgroupName: string): Promise<ServedEngine> {
  const { server } = createRedshiftDataServer({ databaseUrl, workgroupName });
  await listenLocally(server, port);
  console.log(`Redshift Data API stand-in (workgroup ${workgroupName}) listening on http://127.0.0.1:${port}`);
  return { close: () => closeServer(server) };
}

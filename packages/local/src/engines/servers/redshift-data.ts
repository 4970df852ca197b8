/** Child-process entry: the Redshift Data API stand-in on 127.0.0.1:<port>, running statements on PostgreSQL. */
import { createRedshiftDataServer } from "../../stand-ins/redshift-data/server.ts";

const [port, databaseUrl, workgroupName] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
if (!Number.isInteger(port) || !databaseUrl || !workgroupName) throw new Error("usage: redshift-data.ts <port> <postgres url> <workgroup name>");

const { server } = createRedshiftDataServer({ databaseUrl, workgroupName });
server.listen(port, "127.0.0.1", () => console.log(`Redshift Data API stand-in (workgroup ${workgroupName}) listening on http://127.0.0.1:${port}`));

const close = () => server.close(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);

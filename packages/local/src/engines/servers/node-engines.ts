/**
 * Child-process entry: the platform's Node engines (fauxqs, kinesalite, the Redshift Data API and DocumentDB
 * stand-ins) in one process, each on its own 127.0.0.1 port. Its one argument is a JSON array of what to serve
 * (launch.ts). Each engine was a Node process of its own, the node binary and its libraries (about 44 MB of RSS) and a
 * V8 heap again in each; served together they hold one. Should any fail to listen, the process stops the others and
 * exits, so that whoever started it can tell which engines answer and which do not.
 */
import { nodeEngineLaunches, type NodeEngineLaunch } from "./launch.ts";
import type { ServedEngine } from "./served-engine.ts";

async function serve(launch: NodeEngineLaunch): Promise<ServedEngine> {
  switch (launch.server) {
    case "sqs-sns":
      return (await import("./sqs-sns.ts")).serveSqsSns(launch.port);
    case "kinesis":
      return (await import("./kinesis.ts")).serveKinesis(launch.port);
    case "redshift-data":
      return (await import("./redshift-data.ts")).serveRedshiftData(launch.port, launch.databaseUrl, launch.workgroupName);
    case "documentdb":
      return (await import("./documentdb.ts")).serveDocumentDb(launch.port, launch.databaseUrl, launch.replicaSetName);
  }
}

const launches = nodeEngineLaunches.parse(JSON.parse(process.argv[2] ?? "null"));
const served: ServedEngine[] = [];
const closeAll = () => Promise.allSettled(served.map((engine) => engine.close()));

try {
  for (const launch of launches) served.push(await serve(launch));
} catch (error) {
  console.error(`could not serve every engine asked for (${launches.map((launch) => `${launch.server} on ${launch.port}`).join(", ")}):`, error);
  await closeAll();
  process.exit(1);
}

const close = () => void closeAll().then(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);

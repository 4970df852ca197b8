import { analyticsWarehouse } from "@cloudcafe/catalog";
import { HEALTH_PATH, STAND_IN_SERVICE } from "../stand-ins/redshift-data/server.ts";
import { type Engine, type EngineStartOptions, type NodeServerEngineSpec, startNodeServerEngine } from "./engine.ts";
import { ensureDatabase } from "./postgres.ts";

/**
 * The Redshift Data API stand-in (src/stand-ins/redshift-data) serving the local workgroup. Redshift databases are
 * PostgreSQL databases of the same name on the platform's server; the catalog's analytics database is created here.
 */
export async function redshiftDataEngine(options: EngineStartOptions, postgres: Pick<Engine, "url">): Promise<NodeServerEngineSpec> {
  await ensureDatabase(postgres.url, analyticsWarehouse.database);
  const port = options.config.ports.redshiftData;
  const url = `http://${options.config.host}:${port}`;
  const { workgroupName } = analyticsWarehouse.local;
  const health = async () => {
    const response = await fetch(`${url}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { service?: string; workgroupName?: string };
    return response.ok && body.service === STAND_IN_SERVICE && body.workgroupName === workgroupName;
  };
  return { name: "Redshift Data API stand-in", url, health, launch: { server: "redshift-data", port, databaseUrl: postgres.url, workgroupName } };
}

/** The stand-in alone, in a Node engines process of its own unless it already answers. */
export const startRedshiftData = async (options: EngineStartOptions, postgres: Pick<Engine, "url">) =>
  startNodeServerEngine(await redshiftDataEngine(options, postgres), options);

import { analyticsWarehouse } from "@cloudcafe/catalog";
import { HEALTH_PATH, STAND_IN_SERVICE } from "../stand-ins/redshift-data/server.ts";
import { ensureTsxServerEngine, type Engine, type EngineStartOptions } from "./engine.ts";
import { ensureDatabase } from "./postgres.ts";

/**
 * The Redshift Data API stand-in (src/stand-ins/redshift-data) serving the local workgroup. Redshift databases are
 * PostgreSQL databases of the same name on the platform's server; the catalog's analytics database is created here.
 */
export async function startRedshiftData(options: EngineStartOptions, postgres: Engine): Promise<Engine> {
  await ensureDatabase(postgres.url, analyticsWarehouse.database);
  const port = options.config.ports.redshiftData;
  const { workgroupName } = analyticsWarehouse.local;
  const health = async () => {
    const response = await fetch(`http://${options.config.host}:${port}${HEALTH_PATH}`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { service?: string; workgroupName?: string };
    return response.ok && body.service === STAND_IN_SERVICE && body.workgroupName === workgroupName;
  };
  return ensureTsxServerEngine({ name: "Redshift Data API stand-in", entry: "redshift-data.ts", port, health, args: [postgres.url, workgroupName] }, options);
}

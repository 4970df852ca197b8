/**
 * Vitest global setup: the local platform for every test run.
 *
 * Engines already listening are reused; missing ones are started as shared daemons that outlive the run, so
 * parallel and later runs (and `npm start`) reuse them instead of killing each other's engines. With CI=true
 * (one run per machine) the engines this run started are stopped at the end instead. Each run creates its own
 * copy of the catalog resources (names suffixed with `-t<pid>`) and a database of its own (`cloudcafe_t<pid>`, see
 * run-database.ts), and deletes them afterwards.
 * Test files read the result with `useLocalEnv()` from `@cloudcafe/local/testing/env`.
 */
import type { TestProject } from "vitest/node";
import { readLocalConfig } from "../config.ts";
import { startPlatform } from "../platform.ts";
import { deleteResources } from "../resources.ts";
import type { LocalTestPlatform } from "./provided.ts";
import { createRunDatabase, dropRunDatabase } from "./run-database.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nameSuffix = `-t${process.pid}`;
  const keepEngines = process.env.CI !== "true";
  const platform = await startPlatform({ config: readLocalConfig(), daemon: keepEngines, nameSuffix, databaseUrl: createRunDatabase });
  const { env, ...resources } = platform.resources;
  const provided: LocalTestPlatform = { env, endpoints: platform.endpoints, resources, nameSuffix };
  project.provide("cloudcafeLocal", provided);
  // Workers are forked after global setup and inherit this environment, so even modules that read it at import
  // time in a test file see the local endpoints and links.
  Object.assign(process.env, env);
  return async () => {
    await deleteResources(platform.endpoints, resources);
    await dropRunDatabase(platform.engines.postgres.url);
    if (!keepEngines) await platform.engines.stop();
  };
}

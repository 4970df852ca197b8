/**
 * `npm run stress -- <scenario> [options]`: the stress CLI (`@cloudcafe/stress/cli`) run with the local platform's
 * environment (AWS endpoints, SST links, database and cache URLs), so scenarios that run service code in this
 * process (the avalanche on the payment handler, the query storm on the Data API stand-in) reach the resources
 * `npm start` serves. Engines already running are reused and missing ones started as daemons, as the test setup
 * does; variables already set in the environment win.
 */
import { readLocalConfig } from "../config.ts";
import { startPlatform } from "../platform.ts";

const platform = await startPlatform({ config: readLocalConfig(), daemon: true });
for (const [name, value] of Object.entries(platform.resources.env)) process.env[name] ??= value;
await import("@cloudcafe/stress/cli");

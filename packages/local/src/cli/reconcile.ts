/**
 * `npm run reconcile`: the reconciliation checks (functions/analytics/src/jobs/reconcile-command.ts) with the local
 * platform's environment, as `npm run stress` runs its scenarios; variables already set win.
 */
import { readLocalConfig } from "../config.ts";
import { startPlatform } from "../platform.ts";

const platform = await startPlatform({ config: readLocalConfig(), daemon: true });
for (const [name, value] of Object.entries(platform.resources.env)) process.env[name] ??= value;
await import("@cloudcafe/analytics/jobs/reconcile-command");

import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { longRunningWorkers } from "@cloudcafe/catalog";
import { repoRoot } from "../paths.ts";
import { spawnChild, type ManagedChild, type SpawnChildOptions } from "./children.ts";
import { tsxCommand } from "./tsx-node.ts";

/** Every long-running worker of the catalog whose entry exists, each in its own process, as systemd runs it deployed. */
export function startWorkers(
  env: Record<string, string>,
  onLine?: (name: string) => SpawnChildOptions["onLine"],
): { name: string; module: string; child: ManagedChild }[] {
  return Object.values(longRunningWorkers).flatMap(({ name, module }) => {
    const entry = join(repoRoot, module);
    if (!existsSync(entry)) return [];
    return [{ name, module, child: spawnChild({ name, ...tsxCommand(pathToFileURL(entry)), env: { ...process.env, ...env }, ...(onLine ? { onLine: onLine(name) } : {}) }) }];
  });
}

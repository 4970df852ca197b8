/**
 * What `npm start` supervises: every catalog service whose server entry exists, in as many copies as the config says
 * (each on its own port), and every long-running worker, each under the orchestrator it has deployed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { longRunningWorkers, type ServiceKey, serviceOrchestration, services, workerOrchestration } from "@cloudcafe/catalog";
import { type LocalConfig, replicaPort } from "../config.ts";
import { repoRoot } from "../paths.ts";
import type { SupervisedService } from "./supervisor.ts";
import { compiledThreadEnv, nodeCommand } from "./compiled-entries.ts";

/** The HTTP services, each with its copies: copy i on the service's port + 100 × i, the jobs that run once on copy 0 only. */
/** Where a process's output lines go (the metrics sink and the terminal's formatting); the terminal as is without it. */
export type OutputOf = (name: string) => (line: string, stream: "stdout" | "stderr") => void;

export function platformServices(env: Record<string, string>, config: LocalConfig, outputOf?: OutputOf): SupervisedService[] {
  return (Object.keys(services) as ServiceKey[]).flatMap((key) => {
    const entry = join(repoRoot, services[key].serverModule);
    if (!existsSync(entry)) return [];
    const orchestration = serviceOrchestration[key];
    const extraReplicaEnv: Readonly<Record<string, string>> = "extraReplicaEnv" in orchestration ? orchestration.extraReplicaEnv : {};
    const count = config.replicas[key];
    const replicas = Array.from({ length: count }, (_, index) => {
      const port = replicaPort(config.ports.services[key], index);
      const url = `http://${config.host}:${port}`;
      const name = count > 1 ? `${key} service #${index + 1}` : `${key} service`;
      return {
        spawn: {
          name,
          ...nodeCommand(pathToFileURL(entry)),
          env: { ...process.env, ...env, ...compiledThreadEnv(), ...(index > 0 ? extraReplicaEnv : {}), PORT: String(port), HOST: config.host },
          ...(outputOf ? { onLine: outputOf(name) } : {}),
        },
        url,
        port,
        readyUrl: `${url}${orchestration.readyPath}`,
      };
    });
    return [{ service: key, orchestrator: orchestration.orchestrator, replicas }];
  });
}

/** The long-running workers whose entry exists (no HTTP: one copy each), as systemd runs them on their instance. */
export function platformWorkers(env: Record<string, string>, outputOf?: OutputOf): SupervisedService[] {
  return (Object.keys(longRunningWorkers) as (keyof typeof longRunningWorkers)[]).flatMap((key) => {
    const { name, module } = longRunningWorkers[key];
    const entry = join(repoRoot, module);
    if (!existsSync(entry)) return [];
    return [{ service: name, orchestrator: workerOrchestration[key].orchestrator, replicas: [{ spawn: { name, ...nodeCommand(pathToFileURL(entry)), env: { ...process.env, ...env }, ...(outputOf ? { onLine: outputOf(name) } : {}) } }] }];
  });
}

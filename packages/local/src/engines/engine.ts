import { join } from "node:path";
import { sleep } from "@cloudcafe/core/sleep";
import type { LocalConfig } from "../config.ts";
import { spawnChild, type ManagedChild, type SpawnChildOptions } from "../process/children.ts";
import { recordDaemon } from "../process/daemons.ts";
import { isPortOpen } from "../process/net.ts";
import { nodeCommand } from "../process/compiled-entries.ts";

/** A running engine: either started here, or found already running and reused as is. */
export interface Engine {
  readonly name: string;
  /** What clients connect to (an http:// endpoint, or a postgres:// / redis:// URL). */
  readonly url: string;
  /** True when it was already running: this process neither started it nor stops it. */
  readonly reused: boolean;
  health(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface EngineStartOptions {
  readonly config: LocalConfig;
  /** Leave engines started here running after this process exits, for later runs to reuse (test setup). */
  readonly daemon: boolean;
}

export interface ServerEngineSpec {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly health: () => Promise<boolean>;
  readonly spawn: Omit<SpawnChildOptions, "name" | "logFile" | "daemon">;
  readonly startTimeoutMs: number;
}

export const logFileFor = (config: LocalConfig, name: string) => join(config.stateDir, "logs", `${name}.log`);

const stopNothing = async () => {};

/**
 * Reuses a healthy server on the port, or starts one in its own process group and waits until it is healthy.
 * If a parallel run wins the race for the port, its server is reused.
 */
export async function ensureServerEngine(spec: ServerEngineSpec, options: EngineStartOptions): Promise<Engine> {
  const reused: Engine = { name: spec.name, url: spec.url, reused: true, health: spec.health, stop: stopNothing };
  if (await spec.health().catch(() => false)) return reused;
  if (await isPortOpen(options.config.host, spec.port)) {
    throw new Error(`${spec.name}: port ${spec.port} is taken by something that does not answer like ${spec.name}. Free it or set another port.`);
  }
  const slug = spec.name.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-").replaceAll(/^-|-$/g, "");
  const logFile = logFileFor(options.config, slug);
  const child = spawnChild({ ...spec.spawn, name: spec.name, logFile, daemon: options.daemon });
  if (options.daemon) {
    recordDaemon(options.config.stateDir, slug, { name: spec.name, pid: child.pid, command: [spec.spawn.command, ...spec.spawn.args] });
  }
  const outcome = await waitForHealthOrExit(spec, child);
  if (outcome === "healthy") {
    return { name: spec.name, url: spec.url, reused: false, health: spec.health, stop: () => child.stop() };
  }
  if (await spec.health().catch(() => false)) return reused;
  throw new Error(`${spec.name} did not become healthy (${outcome}); see ${logFile}`);
}

/** An engine whose server is a TypeScript entry in ./servers taking its port as the first argument, then `args`. */
export function ensureTsxServerEngine(
  spec: {
    readonly name: string;
    readonly entry: string;
    readonly port: number;
    readonly health: () => Promise<boolean>;
    readonly args?: readonly string[];
  },
  options: EngineStartOptions,
): Promise<Engine> {
  return ensureServerEngine(
    {
      name: spec.name,
      url: `http://${options.config.host}:${spec.port}`,
      port: spec.port,
      health: spec.health,
      spawn: nodeCommand(new URL(`./servers/${spec.entry}`, import.meta.url), [String(spec.port), ...(spec.args ?? [])]),
      startTimeoutMs: 30_000,
    },
    options,
  );
}

async function waitForHealthOrExit(spec: ServerEngineSpec, child: ManagedChild): Promise<"healthy" | string> {
  let exit: string | undefined;
  void child.exited.then((code) => (exit = `exited with ${code}`));
  const deadline = Date.now() + spec.startTimeoutMs;
  while (Date.now() < deadline) {
    if (exit) return exit;
    if (await spec.health().catch(() => false)) return "healthy";
    await sleep(200);
  }
  await child.stop();
  return `no healthy answer within ${spec.startTimeoutMs} ms`;
}

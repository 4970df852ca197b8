import { join } from "node:path";
import { sleep } from "@cloudcafe/core/sleep";
import type { LocalConfig } from "../config.ts";
import { spawnChild, type ManagedChild, type SpawnChildOptions } from "../process/children.ts";
import { recordDaemon } from "../process/daemons.ts";
import { isPortOpen } from "../process/net.ts";
import { nodeCommand } from "../process/compiled-entries.ts";
import type { NodeEngineLaunch } from "./servers/launch.ts";

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

/** An engine found answering: this process neither started it nor stops it. */
const reusedEngine = (spec: Pick<Engine, "name" | "url" | "health">): Engine => ({ name: spec.name, url: spec.url, reused: true, health: spec.health, stop: stopNothing });

/** Refuses to start `name` on a port something else holds (it was asked first whether it answers like `name`). */
async function refuseForeignPort(options: EngineStartOptions, name: string, port: number): Promise<void> {
  if (await isPortOpen(options.config.host, port)) {
    throw new Error(`${name}: port ${port} is taken by something that does not answer like ${name}. Free it or set another port.`);
  }
}

/**
 * Starts `spawn` in its own process group (its output to `logs/<logName>.log`; recorded as the daemon `daemonSlug` when
 * asked) and waits until `health` answers: the child, or undefined when it exited but `health` answers anyway (a
 * parallel run won the race for the port, and its server is to be reused). Throws when nothing answers.
 */
async function spawnUntilHealthy(
  spec: { readonly name: string; readonly logName: string; readonly daemonSlug: string; readonly spawn: ServerEngineSpec["spawn"]; readonly health: () => Promise<boolean>; readonly startTimeoutMs: number },
  options: EngineStartOptions,
): Promise<ManagedChild | undefined> {
  const logFile = logFileFor(options.config, spec.logName);
  const child = spawnChild({ ...spec.spawn, name: spec.name, logFile, daemon: options.daemon });
  if (options.daemon) {
    recordDaemon(options.config.stateDir, spec.daemonSlug, { name: spec.name, pid: child.pid, command: [spec.spawn.command, ...spec.spawn.args] });
  }
  const outcome = await waitForHealthOrExit(spec, child);
  if (outcome === "healthy") return child;
  if (await spec.health().catch(() => false)) return undefined;
  throw new Error(`${spec.name} did not become healthy (${outcome}); see ${logFile}`);
}

/**
 * Reuses a healthy server on the port, or starts one in its own process group and waits until it is healthy.
 * If a parallel run wins the race for the port, its server is reused.
 */
export async function ensureServerEngine(spec: ServerEngineSpec, options: EngineStartOptions): Promise<Engine> {
  if (await spec.health().catch(() => false)) return reusedEngine(spec);
  await refuseForeignPort(options, spec.name, spec.port);
  const slug = spec.name.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-").replaceAll(/^-|-$/g, "");
  const child = await spawnUntilHealthy({ ...spec, logName: slug, daemonSlug: slug }, options);
  return child ? { name: spec.name, url: spec.url, reused: false, health: spec.health, stop: () => child.stop() } : reusedEngine(spec);
}

/** An engine served by the Node engines process (servers/node-engines.ts): which server, on which port, with what. */
export interface NodeServerEngineSpec {
  readonly name: string;
  readonly url: string;
  readonly health: () => Promise<boolean>;
  readonly launch: NodeEngineLaunch;
}

/** Where the Node engines process writes: one log for whichever engines it serves. */
export const NODE_ENGINES_LOG = "node-engines";

const allHealthy = (specs: readonly { health: () => Promise<boolean> }[]) => async () =>
  (await Promise.all(specs.map((spec) => spec.health().catch(() => false)))).every(Boolean);

/**
 * Reuses each engine that already answers on its port and starts the others together in one Node process (one node
 * binary and heap instead of one per engine), waiting until all of them are healthy. Stopping any engine started here
 * stops that process, so every engine started with it. If a parallel run wins the race for a port, the process exits
 * and, once each engine answers, all are reused.
 */
export async function ensureNodeServerEngines(specs: readonly NodeServerEngineSpec[], options: EngineStartOptions): Promise<Engine[]> {
  const answering = await Promise.all(specs.map((spec) => spec.health().catch(() => false)));
  const missing = specs.filter((_, index) => !answering[index]);
  if (missing.length === 0) return specs.map(reusedEngine);
  for (const spec of missing) await refuseForeignPort(options, spec.name, spec.launch.port);
  const child = await spawnUntilHealthy(
    {
      name: `Node engines (${missing.map((spec) => spec.name).join(", ")})`,
      logName: NODE_ENGINES_LOG,
      daemonSlug: `${NODE_ENGINES_LOG}-${missing.map((spec) => spec.launch.server).join("+")}`,
      spawn: nodeCommand(new URL("./servers/node-engines.ts", import.meta.url), [JSON.stringify(missing.map((spec) => spec.launch))]),
      health: allHealthy(missing),
      startTimeoutMs: 30_000,
    },
    options,
  );
  if (!child) return specs.map(reusedEngine);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= child.stop());
  return specs.map((spec) => (missing.includes(spec) ? { name: spec.name, url: spec.url, reused: false, health: spec.health, stop } : reusedEngine(spec)));
}

/** One engine of the Node engines process, started on its own when it does not answer already. */
export async function startNodeServerEngine(spec: NodeServerEngineSpec, options: EngineStartOptions): Promise<Engine> {
  const [engine] = await ensureNodeServerEngines([spec], options);
  return engine!;
}

async function waitForHealthOrExit(spec: Pick<ServerEngineSpec, "health" | "startTimeoutMs">, child: ManagedChild): Promise<"healthy" | string> {
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

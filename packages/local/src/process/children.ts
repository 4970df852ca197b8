import { spawn, type SpawnOptions } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { sleep } from "@cloudcafe/core/sleep";

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the whole process group is gone (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal name) when the child exits on its own or is stopped. */
  readonly exited: Promise<number | string>;
}

export interface SpawnChildOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Append stdout and stderr here; inherit the terminal when absent. */
  readonly logFile?: string;
  /** Hand each line the child writes to this callback instead (`npm start` sorts logs from EMF metric documents). */
  readonly onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /**
   * Keep running after this process exits (a shared daemon reused by later runs). Otherwise the child and
   * everything it spawned are killed when this process exits, even without a graceful stop.
   */
  readonly daemon?: boolean;
}

const owned = new Set<ManagedChild>();

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the whole group led by `pid`, SIGKILL after `graceMs`; resolves once every member is gone. */
export async function stopProcessGroup(pid: number, graceMs = 5_000): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
  while (groupAlive(pid)) await sleep(20);
}

/**
 * Spawns a child as the leader of its own process group, so stopping it also stops its children
 * (tsx workers, the JVM's helpers) and nothing is orphaned.
 */
export function spawnChild(options: SpawnChildOptions): ManagedChild {
  let stdio: SpawnOptions["stdio"] = "inherit";
  let logFd: number | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logFd = openSync(options.logFile, "a");
    stdio = ["ignore", logFd, logFd];
  } else if (options.onLine) {
    stdio = ["ignore", "pipe", "pipe"];
  }
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio,
    detached: true,
  });
  if (logFd !== undefined) closeSync(logFd);
  const { onLine } = options;
  if (onLine && child.stdout && child.stderr) {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => onLine(line, "stdout"));
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on("line", (line) => onLine(line, "stderr"));
  }
  if (child.pid === undefined) throw new Error(`Could not start ${options.name}: ${options.command} ${options.args.join(" ")}`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => resolve(error.message));
  });

  const managed: ManagedChild = {
    name: options.name,
    pid,
    exited,
    async stop(graceMs = 5_000) {
      owned.delete(managed);
      await stopProcessGroup(pid, graceMs);
    },
  };
  if (options.daemon) {
    child.unref();
  } else {
    owned.add(managed);
    installExitHooks();
  }
  return managed;
}

/** Stops every non-daemon child this process started, newest first. */
export async function stopOwnedChildren(): Promise<void> {
  for (const child of [...owned].reverse()) await child.stop();
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort when the process exits without a graceful stop (uncaught error, process.exit): SIGKILL is
  // synchronous, so it still runs here. Graceful stops remove children from `owned` first.
  process.once("exit", () => {
    for (const child of owned) signalGroup(child.pid, "SIGKILL");
  });
}

/**
 * The local stand-in for ECS, Kubernetes, the Auto Scaling group and systemd: keeps every copy (replica) of a service
 * or worker running, restarting one that exits after a short delay that backs off while it keeps dying young (a
 * crash loop), and records per restart when it died, when it was ready again and what the deployed orchestrator would
 * take (`orchestrators` in the catalog). `stop()` is a graceful stop: nothing is restarted after it.
 */
import { randomInt } from "node:crypto";
import { type CopyLoss, type OrchestratorRecovery, type Orchestrator, orchestrators } from "@cloudcafe/catalog";
import { sleep } from "@cloudcafe/core/sleep";
import { type ManagedChild, spawnChild, type SpawnChildOptions } from "./children.ts";

/** One copy of a service to keep running. */
export interface ReplicaDefinition {
  /** How to start it (name, command, environment with its own PORT); started again the same way after an exit. */
  readonly spawn: SpawnChildOptions;
  /** Where it serves HTTP, for an HTTP service. */
  readonly url?: string;
  readonly port?: number;
  /**
   * Answers 200 once the copy can take traffic (its `/ready`). Without one (a worker serving no HTTP), a copy running
   * for `settleMs` counts as ready, as systemd counts a simple service started.
   */
  readonly readyUrl?: string;
}

/** A service or worker and its copies. */
export interface SupervisedService {
  readonly service: string;
  readonly orchestrator: Orchestrator;
  readonly replicas: readonly ReplicaDefinition[];
}

export type ReplicaState = "starting" | "ready" | "restarting" | "stopped";

/** What `replicas()` reports of one copy. */
export interface ReplicaStatus {
  readonly service: string;
  /** 0-based; the table shows it 1-based. */
  readonly index: number;
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly url: string | undefined;
  readonly state: ReplicaState;
  readonly restarts: number;
  /** Exits in a row that came before the copy had run `stableMs` (a crash loop while above 1). */
  readonly crashesInRow: number;
  /** When a `restarting` copy is started again. */
  readonly nextStartAt?: string;
}

/** One restart, as recorded: the exit, the local recovery, and the deployed orchestrator's. */
export interface RestartRecord {
  readonly service: string;
  readonly index: number;
  readonly orchestrator: Orchestrator;
  readonly pid: number;
  /** Exit code or signal name. */
  readonly exit: number | string;
  /** `killed`: by `kill()` (a fault); `exited`: on its own. */
  readonly cause: "killed" | "exited";
  readonly loss: CopyLoss;
  readonly diedAt: string;
  readonly restartDelayMs: number;
  readonly restartedAt?: string;
  readonly newPid?: number;
  /** When it was ready again; absent while it is not (yet). */
  readonly readyAt?: string;
  /** diedAt to readyAt. */
  readonly recoverySeconds?: number;
  /** What the orchestrator would take deployed. */
  readonly expected: OrchestratorRecovery;
}

export type SupervisorEvent = { readonly type: "exited"; readonly record: RestartRecord } | { readonly type: "recovered"; readonly record: RestartRecord };

export interface KillOptions {
  /** Share of the running copies to kill, rounded up (0.5 of 2 is 1); `count` instead names a number. Default: one. */
  readonly fraction?: number;
  readonly count?: number;
  /** Default SIGKILL (nothing drains); SIGTERM lets the copy drain as a scale-in or a task stop does. */
  readonly signal?: NodeJS.Signals;
  /** What the kill stands for deployed, which picks the expected recovery. Default `host-loss`. */
  readonly loss?: CopyLoss;
  /** Wait this long before starting the copy again (a pod's reschedule, an instance's replacement) instead of the usual delay. */
  readonly restartDelayMs?: number;
}

export interface KilledReplica {
  readonly service: string;
  readonly index: number;
  readonly pid: number;
}

export interface SupervisorOptions {
  /** First restart delay after a copy that had run `stableMs` exits. */
  readonly restartDelayMs?: number;
  /** Cap of the doubling delay while a copy keeps exiting before `stableMs`. */
  readonly maxRestartDelayMs?: number;
  readonly stableMs?: number;
  /** How often a starting copy's `readyUrl` is asked. */
  readonly readinessIntervalMs?: number;
  /** How long a copy without `readyUrl` must run to count as ready. */
  readonly settleMs?: number;
  /** Restarts kept per supervisor for `restarts()`. */
  readonly historyLimit?: number;
  readonly spawn?: (options: SpawnChildOptions) => ManagedChild;
}

/** The local timings: quick to observe, doubling to 8 s for a crash loop (Kubernetes doubles from 10 s to 5 minutes). */
export const LOCAL_RESTART = { restartDelayMs: 250, maxRestartDelayMs: 8_000, stableMs: 10_000, readinessIntervalMs: 200, settleMs: 1_000 } as const;

interface Replica {
  readonly service: SupervisedService;
  readonly index: number;
  readonly definition: ReplicaDefinition;
  child?: ManagedChild;
  startedAt: number;
  readyAt?: number;
  state: ReplicaState;
  restarts: number;
  crashesInRow: number;
  nextStartAt?: number;
  timer?: NodeJS.Timeout;
  /** Set by kill() for the exit it causes. */
  pendingKill?: { readonly loss: CopyLoss; readonly restartDelayMs?: number };
  /** The restart awaiting this copy's readiness. */
  recovering?: RestartRecord;
  readiness?: Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface Supervisor {
  /** Starts every copy of `service` and keeps it running. */
  add(service: SupervisedService): void;
  /** Every copy (of one service, or all), in start order. */
  replicas(service?: string): ReplicaStatus[];
  /** The restarts recorded so far, oldest first. */
  restarts(service?: string): RestartRecord[];
  /** Kills running copies of `service` (a fault); the supervisor brings them back as it does any exit. */
  kill(service: string, options?: KillOptions): KilledReplica[];
  /** Resolves once every current copy of `service` (or of all) is ready; rejects after `timeoutMs`. */
  whenReady(service?: string, timeoutMs?: number): Promise<void>;
  /** Called on every exit and every recovery; returns the unsubscribe. */
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
  /** Graceful stop: SIGTERM to every copy (SIGKILL after `graceMs`); no copy is restarted from here on. */
  stop(graceMs?: number): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions = {}): Supervisor {
  const settings = { ...LOCAL_RESTART, ...options };
  const spawn = options.spawn ?? spawnChild;
  const historyLimit = options.historyLimit ?? 500;
  const all: Replica[] = [];
  const history: RestartRecord[] = [];
  const listeners = new Set<(event: SupervisorEvent) => void>();
  let stopping = false;

  const emit = (event: SupervisorEvent) => {
    for (const listener of listeners) listener(event);
  };

  const replace = (record: RestartRecord, next: RestartRecord) => {
    const at = history.lastIndexOf(record);
    if (at >= 0) history[at] = next;
    return next;
  };

  function becameReady(replica: Replica, child: ManagedChild): void {
    if (replica.child !== child || replica.state !== "starting") return;
    replica.state = "ready";
    replica.readyAt = Date.now();
    const pending = replica.recovering;
    if (!pending) return;
    replica.recovering = undefined;
    const record = replace(pending, { ...pending, readyAt: iso(replica.readyAt), recoverySeconds: (replica.readyAt - Date.parse(pending.diedAt)) / 1000 });
    emit({ type: "recovered", record });
  }

  async function watchReadiness(replica: Replica, child: ManagedChild): Promise<void> {
    let exited = false;
    void child.exited.then(() => (exited = true));
    const { readyUrl } = replica.definition;
    if (!readyUrl) {
      await Promise.race([sleep(settings.settleMs), child.exited]);
      if (!exited) becameReady(replica, child);
      return;
    }
    while (!exited && !stopping && replica.child === child) {
      if (await answersOk(readyUrl)) return becameReady(replica, child);
      await Promise.race([sleep(settings.readinessIntervalMs), child.exited]);
    }
  }

  function start(replica: Replica): void {
    replica.timer = undefined;
    replica.nextStartAt = undefined;
    if (stopping) return;
    const child = spawn(replica.definition.spawn);
    replica.child = child;
    replica.startedAt = Date.now();
    replica.readyAt = undefined;
    replica.state = "starting";
    if (replica.recovering) {
      replica.recovering = replace(replica.recovering, { ...replica.recovering, restartedAt: iso(replica.startedAt), newPid: child.pid });
    }
    replica.readiness = watchReadiness(replica, child);
    void child.exited.then((exit) => onExit(replica, child, exit));
  }

  function onExit(replica: Replica, child: ManagedChild, exit: number | string): void {
    if (replica.child !== child) return;
    // Whatever the group still holds (a grandchild) goes with it; the pid is not reused while its group exists.
    void child.stop(1_000);
    if (stopping) {
      replica.state = "stopped";
      return;
    }
    const diedAt = Date.now();
    const ranLongEnough = replica.readyAt !== undefined && diedAt - replica.startedAt >= settings.stableMs;
    replica.crashesInRow = ranLongEnough ? 0 : replica.crashesInRow + 1;
    const delay = replica.pendingKill?.restartDelayMs ?? Math.min(settings.maxRestartDelayMs, settings.restartDelayMs * 2 ** replica.crashesInRow);
    const loss = replica.pendingKill?.loss ?? "process-exit";
    const record: RestartRecord = {
      service: replica.service.service,
      index: replica.index,
      orchestrator: replica.service.orchestrator,
      pid: child.pid,
      exit,
      cause: replica.pendingKill ? "killed" : "exited",
      loss,
      diedAt: iso(diedAt),
      restartDelayMs: delay,
      expected: orchestrators[replica.service.orchestrator].recovery[loss],
    };
    replica.pendingKill = undefined;
    // A copy that died again before it was ready: the earlier restart never recovered; this one carries on from it.
    replica.recovering = record;
    history.push(record);
    if (history.length > historyLimit) history.shift();
    replica.restarts++;
    replica.state = "restarting";
    replica.nextStartAt = diedAt + delay;
    replica.timer = setTimeout(() => start(replica), delay);
    emit({ type: "exited", record });
  }

  const select = (service?: string) => all.filter((replica) => service === undefined || replica.service.service === service);

  return {
    add(service) {
      if (stopping) throw new Error("the supervisor is stopping");
      if (all.some((replica) => replica.service.service === service.service)) throw new Error(`${service.service} is supervised already`);
      service.replicas.forEach((definition, index) => {
        const replica: Replica = { service, index, definition, startedAt: 0, state: "starting", restarts: 0, crashesInRow: 0 };
        all.push(replica);
        start(replica);
      });
    },

    replicas(service) {
      return select(service).map((replica) => ({
        service: replica.service.service,
        index: replica.index,
        pid: replica.state === "restarting" || replica.state === "stopped" ? undefined : replica.child?.pid,
        port: replica.definition.port,
        url: replica.definition.url,
        state: replica.state,
        restarts: replica.restarts,
        crashesInRow: replica.crashesInRow,
        ...(replica.nextStartAt ? { nextStartAt: iso(replica.nextStartAt) } : {}),
      }));
    },

    restarts(service) {
      return history.filter((record) => service === undefined || record.service === service);
    },

    kill(service, killOptions = {}) {
      if (stopping) return [];
      const running = select(service).filter((replica) => replica.child && (replica.state === "ready" || replica.state === "starting"));
      if (running.length === 0) return [];
      const wanted = killOptions.count ?? (killOptions.fraction === undefined ? 1 : Math.ceil(running.length * killOptions.fraction));
      const count = Math.max(0, Math.min(running.length, Math.floor(wanted)));
      // Like FIS's PERCENT / COUNT selection: random copies.
      const chosen = [...running];
      for (let i = chosen.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
      }
      return chosen.slice(0, count).map((replica) => {
        const pid = replica.child!.pid;
        replica.pendingKill = { loss: killOptions.loss ?? "host-loss", ...(killOptions.restartDelayMs === undefined ? {} : { restartDelayMs: killOptions.restartDelayMs }) };
        try {
          process.kill(-pid, killOptions.signal ?? "SIGKILL");
        } catch {
          // Already gone: its exit is on the way.
        }
        return { service: replica.service.service, index: replica.index, pid };
      });
    },

    async whenReady(service, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (select(service).some((replica) => replica.state !== "ready")) {
        if (stopping) throw new Error("the supervisor stopped");
        if (Date.now() > deadline) {
          const waiting = select(service).filter((replica) => replica.state !== "ready");
          throw new Error(`not ready after ${timeoutMs} ms: ${waiting.map((replica) => `${replica.service.service}#${replica.index + 1} (${replica.state})`).join(", ")}`);
        }
        await sleep(settings.readinessIntervalMs);
      }
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async stop(graceMs = 10_000) {
      stopping = true;
      for (const replica of all) {
        if (replica.timer) clearTimeout(replica.timer);
        replica.timer = undefined;
        replica.nextStartAt = undefined;
        if (replica.state === "restarting") replica.state = "stopped";
      }
      await Promise.all(
        all.map(async (replica) => {
          await replica.child?.stop(graceMs);
          replica.state = "stopped";
        }),
      );
    },
  };
}

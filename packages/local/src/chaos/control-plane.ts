import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type FaultId, type FaultSpec, faults } from "@cloudcafe/catalog";
import { AppError, type ApplicationFaultSource, activeEntry, type ActiveApplicationFaultEntry } from "@cloudcafe/core";
import { createLogger, createMetrics, type Logger, type Metrics } from "@cloudcafe/observability";
import type { FaultInjector, Injection } from "./injector.ts";

export const CHAOS_NAMESPACE = "CloudCafe/Chaos";

export type RevertReason = "operator" | "ttl" | "shutdown" | "stop-alarm";

/** A fault in force, as the list and the API show it. */
export interface ActiveFault {
  readonly id: FaultId;
  readonly target: string;
  readonly injectionId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  readonly ttlSeconds: number;
  readonly parameters: Record<string, unknown>;
  readonly effect: Record<string, string | number | boolean>;
}

/** One registry entry with whether this platform can cause it and, when in force, its injection. */
export interface FaultView extends FaultSpec {
  readonly id: FaultId;
  /** False when no local mechanism is plugged in for it (e.g. the supervisor is not running). */
  readonly available: boolean;
  readonly active?: ActiveFault;
}

export interface InjectOptions {
  /** How long the fault lasts: at most the registry's maxDurationSeconds; the registry's default when omitted. */
  readonly ttlSeconds?: number | undefined;
  readonly parameters?: Record<string, unknown> | undefined;
  /** Who asked (written to the audit log). */
  readonly actor?: string | undefined;
}

export interface ChaosControlPlaneOptions {
  readonly injectors: Partial<Record<FaultId, FaultInjector>>;
  /**
   * A file that lists the faults in force with their injectors' records while any is, so a control plane that died
   * without reverting (kill -9) has the next one undo them on start (`recoverAbandoned`).
   */
  readonly journalFile?: string;
  /** Tells whether an alarm (alarm catalog key) is in ALARM: a fault whose stop alarm fires is reverted at once. */
  readonly alarmFiring?: (alarm: string) => Promise<boolean>;
  readonly stopAlarmPollMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

interface InForce {
  readonly fault: ActiveFault;
  readonly injection: Injection;
  readonly timer: NodeJS.Timeout;
  reverting?: Promise<ActiveFault>;
}

/** The control plane's programmatic API (what the HTTP routes, `npm start` and the game day use). */
export interface ChaosControlPlane {
  list(): FaultView[];
  active(): ActiveFault[];
  inject(id: string, options?: InjectOptions): Promise<ActiveFault>;
  revert(id: string, reason?: RevertReason, actor?: string): Promise<ActiveFault>;
  /** Reverts every fault in force (shutdown). */
  revertAll(reason?: RevertReason): Promise<void>;
  /** The active application faults as the fault parameter holds them (keyed by id), which the services' fault source reads. */
  applicationFaultsDocument(): Record<string, ActiveApplicationFaultEntry>;
  /** The same, in process: for the pollers `npm start` runs beside the control plane. */
  readonly faultSource: ApplicationFaultSource;
  /** Adds mechanisms once their controls exist (the supervisor and gateway start after the control plane). */
  plug(injectors: Partial<Record<FaultId, FaultInjector>>): void;
  /** Undoes faults a previous control plane left in force (its journal); returns their ids. */
  recoverAbandoned(): Promise<string[]>;
  close(): Promise<void>;
}

const isFaultId = (id: string): id is FaultId => Object.hasOwn(faults, id);

/**
 * An in-process registry of fault injectors keyed by fault id: inject with a TTL (capped by the registry's
 * maxDurationSeconds), revert, list; one fault per target at a time (CONFLICT otherwise); every fault reverts itself
 * when its TTL ends, when its stop alarm fires, and on `revertAll` (npm start's SIGINT/SIGTERM path). Every change is
 * an audit log line and EMF metrics under CloudCafe/Chaos (`FaultActive` 1/0, `FaultInjected`, `FaultReverted`,
 * `FaultDurationSeconds`).
 */
export function createChaosControlPlane(options: ChaosControlPlaneOptions): ChaosControlPlane {
  const logger = options.logger ?? createLogger({ service: "chaos-control-plane" });
  const metrics = options.metrics ?? createMetrics({ namespace: CHAOS_NAMESPACE, service: "chaos-control-plane" });
  const now = options.now ?? (() => new Date());
  const injectors: Partial<Record<FaultId, FaultInjector>> = { ...options.injectors };
  const inForce = new Map<FaultId, InForce>();
  /** Targets taken, from the moment an injection starts (so two concurrent injections cannot both pass the check). */
  const busyTargets = new Map<string, FaultId>();
  let closed = false;

  const writeJournal = () => {
    if (!options.journalFile) return;
    const entries = [...inForce.values()].filter(({ injection }) => injection.record).map(({ fault, injection }) => ({ id: fault.id, record: injection.record }));
    if (entries.length === 0) rmSync(options.journalFile, { force: true });
    else writeFileSync(options.journalFile, JSON.stringify(entries, null, 2));
  };

  const faultActive = (id: FaultId, value: 0 | 1) => metrics.put("FaultActive", value, "Count", { FaultId: id });

  async function inject(id: string, request: InjectOptions = {}): Promise<ActiveFault> {
    if (closed) throw new AppError("DEPENDENCY_UNAVAILABLE", "The chaos control plane is shutting down");
    if (!isFaultId(id)) throw new AppError("NOT_FOUND", `No fault ${id} in the registry`);
    const spec: FaultSpec = faults[id];
    const injector = injectors[id];
    if (!injector) throw new AppError("DEPENDENCY_UNAVAILABLE", `${id} has no local mechanism on this platform (${spec.local})`);
    const ttlSeconds = request.ttlSeconds ?? spec.defaultDurationSeconds;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > spec.maxDurationSeconds) {
      throw new AppError("VALIDATION_FAILED", `ttlSeconds must be a whole number from 1 to ${spec.maxDurationSeconds} for ${id}`, {
        details: [{ path: "ttlSeconds", message: `at most ${spec.maxDurationSeconds} (the registry's maxDurationSeconds)` }],
      });
    }
    const parsed = injector.parameters.safeParse(request.parameters ?? {});
    if (!parsed.success) {
      throw new AppError("VALIDATION_FAILED", `Invalid parameters for ${id}`, {
        details: parsed.error.issues.map((issue) => ({ path: ["parameters", ...issue.path].join("."), message: issue.message })),
      });
    }
    // As FIS refuses to start an experiment whose stop condition is already in ALARM: it would only be stopped at once.
    if (options.alarmFiring && (await options.alarmFiring(spec.stopAlarm))) {
      throw new AppError("CONFLICT", `${id}'s stop alarm ${spec.stopAlarm} is in ALARM; inject it once the alarm has cleared`);
    }
    // No await between the check and taking the target, so two concurrent injections cannot both pass it.
    const holder = busyTargets.get(spec.target);
    if (holder) throw new AppError("CONFLICT", `${spec.target} already has a fault in force (${holder}); revert it first`);
    busyTargets.set(spec.target, id);

    const injectionId = randomUUID();
    const started = now();
    let injection: Injection;
    try {
      injection = await injector.inject({ injectionId, ttlSeconds, parameters: parsed.data, logger });
    } catch (error) {
      busyTargets.delete(spec.target);
      logger.error("fault injection failed", { audit: true, faultId: id, injectionId, actor: request.actor, error });
      metrics.put("FaultInjectionFailed", 1, "Count", { FaultId: id });
      throw error instanceof AppError ? error : new AppError("DEPENDENCY_UNAVAILABLE", `${id} could not be injected: ${(error as Error).message}`, { cause: error });
    }
    const fault: ActiveFault = {
      id,
      target: spec.target,
      injectionId,
      startedAt: started.toISOString(),
      expiresAt: new Date(started.getTime() + ttlSeconds * 1_000).toISOString(),
      ttlSeconds,
      parameters: parsed.data,
      effect: injection.effect,
    };
    const timer = setTimeout(() => void revert(id, "ttl").catch(() => undefined), ttlSeconds * 1_000);
    inForce.set(id, { fault, injection, timer });
    watchStopAlarms();
    writeJournal();
    logger.info("fault injected", { audit: true, faultId: id, injectionId, target: spec.target, ttlSeconds, parameters: parsed.data, effect: injection.effect, actor: request.actor });
    metrics.put("FaultInjected", 1, "Count", { FaultId: id });
    faultActive(id, 1);
    return fault;
  }

  /** Reverts once: a second caller (the TTL timer racing the operator) gets the same outcome. */
  function revert(id: string, reason: RevertReason = "operator", actor?: string): Promise<ActiveFault> {
    if (!isFaultId(id)) return Promise.reject(new AppError("NOT_FOUND", `No fault ${id} in the registry`));
    const entry = inForce.get(id);
    if (!entry) return Promise.reject(new AppError("NOT_FOUND", `${id} is not in force`));
    entry.reverting ??= undo(id, entry, reason, actor);
    return entry.reverting;
  }

  /** The fault stays listed as in force until its revert has finished. */
  async function undo(id: FaultId, entry: InForce, reason: RevertReason, actor: string | undefined): Promise<ActiveFault> {
    clearTimeout(entry.timer);
    try {
      await entry.injection.revert();
    } catch (error) {
      logger.error("fault revert failed", { audit: true, faultId: id, injectionId: entry.fault.injectionId, reason, error });
      throw new AppError("DEPENDENCY_UNAVAILABLE", `${id} could not be reverted: ${(error as Error).message}`, { cause: error });
    } finally {
      inForce.delete(id);
      watchStopAlarms();
      busyTargets.delete(entry.fault.target);
      writeJournal();
    }
    const seconds = (now().getTime() - Date.parse(entry.fault.startedAt)) / 1_000;
    logger.info("fault reverted", { audit: true, faultId: id, injectionId: entry.fault.injectionId, reason, actor, activeSeconds: seconds });
    metrics.put("FaultReverted", 1, "Count", { FaultId: id, Reason: reason });
    metrics.put("FaultDurationSeconds", seconds, "Seconds", { FaultId: id });
    faultActive(id, 0);
    return entry.fault;
  }

  async function revertAll(reason: RevertReason = "shutdown"): Promise<void> {
    await Promise.all([...inForce.keys()].map((id) => revert(id, reason).catch(() => undefined)));
  }

  // Each fault in force is reverted when its stop alarm fires; the alarms are polled only while a fault is in force.
  let stopAlarmPoll: NodeJS.Timeout | undefined;
  function watchStopAlarms(): void {
    if (!options.alarmFiring || closed) return;
    if (inForce.size === 0) {
      clearInterval(stopAlarmPoll);
      stopAlarmPoll = undefined;
      return;
    }
    stopAlarmPoll ??= setInterval(() => {
      for (const { fault } of inForce.values()) {
        const alarm = faults[fault.id].stopAlarm;
        void options.alarmFiring!(alarm)
          .then((firing) => (firing && inForce.get(fault.id)?.fault === fault ? revert(fault.id, "stop-alarm") : undefined))
          .catch(() => undefined);
      }
    }, options.stopAlarmPollMs ?? 5_000);
    stopAlarmPoll.unref();
  }

  const document = () =>
    Object.fromEntries(
      [...inForce.values()].filter(({ fault }) => injectors[fault.id]?.readByServices).map(({ fault }) => [
        fault.id,
        { injectionId: fault.injectionId, expiresAt: fault.expiresAt, parameters: fault.parameters as ActiveApplicationFaultEntry["parameters"] },
      ]),
    );

  return {
    list: () =>
      (Object.keys(faults) as FaultId[]).map((id) => {
        const active = inForce.get(id)?.fault;
        return { id, ...faults[id], available: injectors[id] !== undefined, ...(active ? { active } : {}) };
      }),
    active: () => [...inForce.values()].map(({ fault }) => fault),
    inject,
    revert,
    revertAll,
    applicationFaultsDocument: document,
    plug: (more) => void Object.assign(injectors, more),
    faultSource: { active: async (faultId) => activeEntry(document(), faultId, now()) },
    async recoverAbandoned() {
      if (!options.journalFile || !existsSync(options.journalFile)) return [];
      const entries = JSON.parse(readFileSync(options.journalFile, "utf8")) as { id: string; record: Record<string, unknown> }[];
      const recovered: string[] = [];
      for (const { id, record } of entries) {
        const injector = isFaultId(id) ? injectors[id] : undefined;
        if (!injector?.recover) continue;
        await injector.recover(record);
        logger.warn("fault left in force by a control plane that stopped without reverting it: undone", { audit: true, faultId: id });
        recovered.push(id);
      }
      rmSync(options.journalFile, { force: true });
      return recovered;
    },
    async close() {
      closed = true;
      clearInterval(stopAlarmPoll);
      stopAlarmPoll = undefined;
      await revertAll("shutdown");
    },
  };
}

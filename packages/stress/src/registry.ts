import { randomUUID } from "node:crypto";
import { AppError } from "@cloudcafe/core";
import { runAtCpuTarget, type CpuRunReport, type CpuSample } from "./controller.ts";
import type { StressPool } from "./pool.ts";
import { cpuScenarios, type CpuScenario } from "./scenarios.ts";
import { stressTelemetry, type StressTelemetry } from "./telemetry.ts";

export type RunStatus = "running" | "completed" | "cancelled" | "failed";

/** What callers see of a run: safe to serialise as it is. */
export interface StressRunView {
  id: string;
  scenario: CpuScenario;
  status: RunStatus;
  targetCpu: number;
  durationSeconds: number;
  startedAt: string;
  endedAt?: string;
  /** Whole-run average once finished; the mean of the samples so far while running. */
  achievedCpu?: number;
  samples: CpuSample[];
  /** The controller's final figures (its samples are the run's `samples`). */
  report?: Omit<CpuRunReport, "samples">;
  error?: string;
}

export interface StartRunRequest {
  scenario: CpuScenario;
  targetCpu?: number;
  durationSeconds?: number;
  /** Client-chosen id: starting twice with the same id returns the first run. */
  runId?: string;
}

export interface RunLimits {
  /** Longest run accepted (default 15 minutes, Lambda's own ceiling). */
  maxDurationSeconds: number;
  maxConcurrentRuns: number;
}

export interface RunRegistryOptions extends Partial<RunLimits> {
  pool: StressPool;
  /** Finished runs kept for polling; the oldest are forgotten first. */
  retainedRuns?: number;
  /** Where log lines and EMF documents go (stdout by default). */
  write?: (line: string) => void;
}

export interface RunRegistry {
  readonly limits: RunLimits;
  start(request: StartRunRequest): { run: StressRunView; created: boolean };
  get(id: string): StressRunView;
  list(): StressRunView[];
  /** Stops the run and resolves once its workers have finished their last slice. */
  cancel(id: string): Promise<StressRunView>;
  /** Resolves when the run has ended, however it ended. */
  finished(id: string): Promise<StressRunView>;
  /** Cancels every active run and waits for them (process shutdown). */
  close(): Promise<void>;
}

interface RunState {
  view: StressRunView;
  abort: AbortController;
  done: Promise<void>;
}

export const DEFAULT_MAX_DURATION_SECONDS = 15 * 60;
export const DEFAULT_MAX_CONCURRENT_RUNS = 2;
const DEFAULT_RETAINED_RUNS = 50;

function mean(samples: readonly CpuSample[]): number | undefined {
  if (samples.length === 0) return undefined;
  return Math.round((samples.reduce((sum, sample) => sum + sample.cpu, 0) / samples.length) * 1000) / 1000;
}

function snapshot(view: StressRunView): StressRunView {
  return { ...view, samples: [...view.samples], ...(view.status === "running" ? { achievedCpu: mean(view.samples) } : {}) };
}

/**
 * The runs of one process: ids, polling, cancellation and the hard caps. Runs end by themselves when their
 * duration is up; nothing here needs a caller to come back.
 */
export function createRunRegistry(options: RunRegistryOptions): RunRegistry {
  const limits: RunLimits = {
    maxDurationSeconds: options.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS,
    maxConcurrentRuns: options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS,
  };
  const retainedRuns = options.retainedRuns ?? DEFAULT_RETAINED_RUNS;
  const runs = new Map<string, RunState>();
  const telemetry = new Map<CpuScenario, StressTelemetry>();
  const telemetryFor = (scenario: CpuScenario) => {
    let entry = telemetry.get(scenario);
    if (!entry) {
      entry = stressTelemetry(cpuScenarios[scenario].service, options.write);
      telemetry.set(scenario, entry);
    }
    return entry;
  };

  const active = () => [...runs.values()].filter((state) => state.view.status === "running").length;
  const find = (id: string) => {
    const state = runs.get(id);
    if (!state) throw new AppError("NOT_FOUND", `No stress run ${id}`);
    return state;
  };
  const forgetOldFinished = () => {
    const finished = [...runs.values()].filter((state) => state.view.status !== "running");
    for (const state of finished.slice(0, Math.max(0, finished.length - retainedRuns))) runs.delete(state.view.id);
  };

  function validate(request: StartRunRequest): { targetCpu: number; durationSeconds: number } {
    const spec = cpuScenarios[request.scenario];
    const targetCpu = request.targetCpu ?? spec.defaultTargetCpu;
    const durationSeconds = request.durationSeconds ?? spec.defaultDurationSeconds;
    if (!(targetCpu > 0 && targetCpu <= 1)) throw new AppError("VALIDATION_FAILED", "targetCpu must be in (0, 1]");
    if (!(durationSeconds > 0 && durationSeconds <= limits.maxDurationSeconds)) {
      throw new AppError("VALIDATION_FAILED", `durationSeconds must be in (0, ${limits.maxDurationSeconds}]`);
    }
    return { targetCpu, durationSeconds };
  }

  function launch(view: StressRunView): RunState {
    const abort = new AbortController();
    const spec = cpuScenarios[view.scenario];
    const { logger, metrics } = telemetryFor(view.scenario);
    const fields = { run_id: view.id, scenario: view.scenario, target_cpu: view.targetCpu, duration_seconds: view.durationSeconds };
    logger.info("stress run started", { ...fields, allowance_cores: options.pool.allowance.cores, threads: options.pool.threads });
    const done = runAtCpuTarget({
      pool: options.pool,
      unit: view.scenario,
      targetCpu: view.targetCpu,
      durationSeconds: view.durationSeconds,
      signal: abort.signal,
      onSample: (sample) => {
        view.samples.push(sample);
        metrics.put(spec.metric, Math.round(sample.cpu * 1000) / 10, "Percent", { scenario: view.scenario });
      },
    }).then(
      ({ samples, ...report }) => {
        view.status = report.stoppedBy === "cancelled" ? "cancelled" : "completed";
        view.achievedCpu = report.achievedCpu;
        view.samples = samples;
        view.report = report;
      },
      (error: unknown) => {
        view.status = "failed";
        view.error = error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      view.endedAt = new Date().toISOString();
      const level = view.status === "failed" ? "error" : "info";
      logger[level]("stress run stopped", {
        ...fields,
        status: view.status,
        achieved_cpu: view.achievedCpu ?? null,
        elapsed_seconds: view.report?.elapsedSeconds ?? null,
        units: view.report?.units ?? null,
        ...(view.error ? { error: view.error } : {}),
      });
      forgetOldFinished();
    });
    return { view, abort, done };
  }

  return {
    limits,
    start(request) {
      const { targetCpu, durationSeconds } = validate(request);
      const existing = request.runId ? runs.get(request.runId) : undefined;
      if (existing) {
        const same =
          existing.view.scenario === request.scenario && existing.view.targetCpu === targetCpu && existing.view.durationSeconds === durationSeconds;
        if (!same) throw new AppError("CONFLICT", `Stress run ${request.runId} exists with different parameters`);
        return { run: snapshot(existing.view), created: false };
      }
      if (active() >= limits.maxConcurrentRuns) {
        throw new AppError("RATE_LIMITED", `At most ${limits.maxConcurrentRuns} stress runs at a time`);
      }
      if (options.pool.saturated) throw new AppError("OVERLOADED", "Stress pool is saturated");
      const view: StressRunView = {
        id: request.runId ?? randomUUID(),
        scenario: request.scenario,
        status: "running",
        targetCpu,
        durationSeconds,
        startedAt: new Date().toISOString(),
        samples: [],
      };
      runs.set(view.id, launch(view));
      return { run: snapshot(view), created: true };
    },
    get: (id) => snapshot(find(id).view),
    list: () => [...runs.values()].map((state) => snapshot(state.view)),
    async cancel(id) {
      const state = find(id);
      state.abort.abort();
      await state.done;
      return snapshot(state.view);
    },
    async finished(id) {
      const state = find(id);
      await state.done;
      return snapshot(state.view);
    },
    async close() {
      const states = [...runs.values()];
      for (const state of states) state.abort.abort();
      await Promise.all(states.map((state) => state.done));
    },
  };
}

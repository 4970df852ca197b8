import { Piscina } from "piscina";
import { AppError } from "@cloudcafe/core";
import { cpuAllowance, type CpuAllowance } from "./allowance.ts";
import { workerExecArgv } from "./worker-loader.ts";
import runTask, { type TaskOf, type WorkerResults, type WorkerTask } from "./worker.ts";

export interface StressPoolOptions {
  allowance?: CpuAllowance;
  /** Tasks allowed to wait for a thread; beyond it `run` fails with OVERLOADED (503) instead of queueing. */
  maxQueue?: number;
  /** The worker entry; defaults to `worker.ts` beside this file. A bundled deployment points it at its built copy. */
  workerFile?: URL;
}

export interface StressPool {
  readonly allowance: CpuAllowance;
  readonly threads: number;
  /** True when the wait queue is full: new work would be refused. */
  readonly saturated: boolean;
  run<K extends WorkerTask["kind"]>(task: TaskOf<K>): Promise<WorkerResults[K]>;
  /** Starts every thread and loads the cores, so a run's first second is not spent compiling. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

const WORKER_FILE = new URL("./worker.ts", import.meta.url);
const QUEUED_TASKS_PER_THREAD = 16;

/** One pool per process, sized from the CPU the process may use, never from the host's core count. */
export function createStressPool(options: StressPoolOptions = {}): StressPool {
  const allowance = options.allowance ?? cpuAllowance();
  const threads = allowance.threads;
  const maxQueue = options.maxQueue ?? threads * QUEUED_TASKS_PER_THREAD;
  const workerFile = options.workerFile ?? WORKER_FILE;
  // Started by the first run (or `warm()`), not with the service: a service that never runs a stress scenario keeps
  // no idle thread (a V8 heap each). Once started, threads stay up for the life of the process: a stress run must not
  // pay thread start-up mid-run.
  let started: Piscina | undefined;
  const piscina = () =>
    (started ??= new Piscina({
      filename: workerFile.href,
      execArgv: workerExecArgv(workerFile),
      minThreads: threads,
      maxThreads: threads,
      maxQueue,
      idleTimeout: Infinity,
    }));
  const saturated = () => (started?.queueSize ?? 0) >= maxQueue;
  return {
    allowance,
    threads,
    get saturated() {
      return saturated();
    },
    async run<K extends WorkerTask["kind"]>(task: TaskOf<K>): Promise<WorkerResults[K]> {
      if (saturated()) throw new AppError("OVERLOADED", `Stress pool queue is full (${maxQueue} tasks waiting)`);
      try {
        return (await piscina().run(task)) as WorkerResults[K];
      } catch (error) {
        if (error instanceof Error && error.message === "Task queue is at limit") {
          throw new AppError("OVERLOADED", `Stress pool queue is full (${maxQueue} tasks waiting)`, { cause: error });
        }
        throw error;
      }
    },
    async warm() {
      await Promise.all(Array.from({ length: threads }, () => piscina().run({ kind: "warm" } satisfies WorkerTask)));
    },
    close: async () => {
      await started?.destroy();
    },
  };
}

/**
 * A pool without threads, for a stress Lambda function: the slices run on the invocation's own thread, which
 * nothing else needs there (no /health to keep answering), on the one vCPU the function is sized for. It also
 * survives bundling, where piscina's thread entry files do not.
 */
export function createInThreadStressPool(allowance: CpuAllowance = cpuAllowance()): StressPool {
  const oneCore: CpuAllowance = { ...allowance, cores: Math.min(allowance.cores, 1), threads: 1 };
  return {
    allowance: oneCore,
    threads: 1,
    saturated: false,
    async run<K extends WorkerTask["kind"]>(task: TaskOf<K>): Promise<WorkerResults[K]> {
      return (await runTask(task)) as WorkerResults[K];
    },
    async warm() {},
    async close() {},
  };
}

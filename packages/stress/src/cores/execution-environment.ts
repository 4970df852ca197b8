import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../worker-loader.ts";
import type { EnvironmentConfig, InvocationOutcome } from "./cold-start-environment.ts";

const ENVIRONMENT_FILE = new URL("./cold-start-environment.ts", import.meta.url);

/**
 * One Lambda-like execution environment in its own worker thread: its first invocation imports the handler module
 * afresh (cold, after the configured init delay); later ones reuse it (warm). One invocation at a time, as in Lambda.
 */
export class ExecutionEnvironment {
  private readonly worker: Worker;
  private pending: { resolve: (outcome: InvocationOutcome) => void; reject: (error: Error) => void } | undefined;
  /** Set once the thread has died, so a later invocation fails at once instead of waiting for an answer. */
  private failure: Error | undefined;

  /** `env`: the environment variables of the function (default: a copy of this process's). */
  constructor(config: EnvironmentConfig, env?: NodeJS.ProcessEnv) {
    this.worker = startModuleWorker(ENVIRONMENT_FILE, { workerData: config, ...(env ? { env } : {}) });
    this.worker.on("message", (outcome: InvocationOutcome) => this.settle((pending) => pending.resolve(outcome)));
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`environment exited with code ${code}`)));
  }

  private fail(error: Error) {
    this.failure ??= error;
    this.settle((pending) => pending.reject(error));
  }

  private settle(action: (pending: NonNullable<ExecutionEnvironment["pending"]>) => void) {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }

  invoke(event: unknown): Promise<InvocationOutcome> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending = { resolve, reject };
      this.worker.postMessage(event);
    });
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}


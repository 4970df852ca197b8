import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { Piscina } from "piscina";
import type { TierChunkResult, TierChunkTask } from "@cloudcafe/adapters/loyalty/tier-chunk";
import { cpuAllowance } from "@cloudcafe/stress/allowance";
import { workerExecArgv } from "@cloudcafe/stress/worker-loader";

const WORKER_FILE = new URL("./tier-worker.ts", import.meta.url);

export interface TierPool {
  readonly threads: number;
  run(task: TierChunkTask): Promise<TierChunkResult>;
  close(): Promise<void>;
}

/**
 * The batch's piscina pool, sized from the CPU the process may use (or `threads`). Made per run and closed after
 * it, so an idle service holds no batch threads between the hourly runs.
 */
export function createTierPool(options: { threads?: number | undefined; workerFile?: string | undefined } = {}): TierPool {
  const threads = options.threads ?? cpuAllowance().threads;
  const workerFile = options.workerFile ? pathToFileURL(resolve(options.workerFile)) : WORKER_FILE;
  const piscina = new Piscina<TierChunkTask, TierChunkResult>({
    filename: workerFile.href,
    execArgv: workerExecArgv(workerFile),
    minThreads: threads,
    maxThreads: threads,
    // A chunk is a couple of MB and a thread keeps nothing between chunks: a small heap makes V8 collect each
    // chunk's garbage promptly instead of letting every thread grow towards the process's 256 MB budget.
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
  });
  return {
    threads,
    run: (task) => piscina.run(task),
    close: () => piscina.destroy(),
  };
}

import { createInThreadStressPool, createRunRegistry, createStressPool, type RunRegistry, type StressPool } from "@cloudcafe/stress";
import { LAMBDA_MAX_RUN_SECONDS, stressFunctionConfig } from "./config.ts";

interface StressRuntime {
  pool: StressPool;
  registry: RunRegistry;
}

let runtime: StressRuntime | undefined;

/** One pool per Lambda instance, sized from the vCPUs its memory setting buys; kept warm across invocations. */
export async function stressRuntime(): Promise<StressRuntime> {
  if (!runtime) {
    const pool = stressFunctionConfig().pool === "in-thread" ? createInThreadStressPool() : createStressPool();
    runtime = { pool, registry: createRunRegistry({ pool, maxDurationSeconds: LAMBDA_MAX_RUN_SECONDS, maxConcurrentRuns: 1 }) };
  }
  await runtime.pool.warm();
  return runtime;
}

/** Stops the pool's threads (tests; a Lambda instance is frozen rather than closed). */
export async function closeStressRuntime(): Promise<void> {
  const current = runtime;
  runtime = undefined;
  if (current) {
    await current.registry.close();
    await current.pool.close();
  }
}

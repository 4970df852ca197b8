import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRunRegistry, createStressPool, stressRoutes } from "@cloudcafe/stress";

/**
 * The Order service's stress control: the morning-rush scenario on a worker pool sized from the task's CPU
 * allowance, so `/health` and real orders keep their event loop. Container only: a Lambda invocation cannot
 * outlive its request, so Lambda runs go through the per-scenario stress functions instead.
 */
export function createOrderStress(operatorToken: string | undefined, workerFile?: string) {
  // From sources the pool finds its TypeScript worker itself; a bundled server names the bundled worker.
  const pool = createStressPool(workerFile ? { workerFile: pathToFileURL(resolve(workerFile)) } : {});
  const registry = createRunRegistry({ pool });
  return {
    routes: stressRoutes({ scenarios: ["morning-rush"], operatorToken, registry }),
    async close() {
      await registry.close();
      await pool.close();
    },
  };
}

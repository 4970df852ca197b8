import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createStressPool } from "./pool.ts";
import { createRunRegistry } from "./registry.ts";
import { stressRoutes } from "./routes.ts";
import type { CpuScenario } from "./scenarios.ts";

/**
 * A service's stress control: its scenarios on a worker pool sized from the CPU the process may use, so `/health`
 * and real requests keep their event loop. Container and pod only: a Lambda invocation cannot outlive its request,
 * so Lambda runs go through the per-scenario stress functions instead.
 */
export function createServiceStress(options: { scenarios: readonly CpuScenario[]; operatorToken: string | undefined; workerFile?: string | undefined }) {
  // From sources the pool finds its TypeScript worker itself; a bundled server names the bundled worker.
  const pool = createStressPool(options.workerFile ? { workerFile: pathToFileURL(resolve(options.workerFile)) } : {});
  const registry = createRunRegistry({ pool });
  return {
    routes: stressRoutes({ scenarios: options.scenarios, operatorToken: options.operatorToken, registry }),
    async close() {
      await registry.close();
      await pool.close();
    },
  };
}

import { cpuScenarioHandler } from "./cpu-scenario.ts";

/** Event: `{targetCpu?, durationSeconds?}` (defaults 0.8 for 3 minutes). */
export const handler = cpuScenarioHandler("restock");

import { cpuScenarioHandler } from "./cpu-scenario.ts";

/** Event: `{targetCpu?, durationSeconds?}` (defaults 0.95 for 5 minutes). */
export const handler = cpuScenarioHandler("morning-rush");

import { cpuScenarioHandler } from "./cpu-scenario.ts";

/** Event: `{targetCpu?, durationSeconds?}` (defaults 0.7 for 3 minutes). */
export const handler = cpuScenarioHandler("menu-sync");

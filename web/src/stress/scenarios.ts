import { type CpuScenario, cpuScenarios, services } from "@cloudcafe/catalog";

/** What each CPU scenario does, in the operator's words. */
const LABELS: Readonly<Record<CpuScenario, string>> = {
  "morning-rush": "Morning rush: order validation, fraud scoring, tax maths",
  restock: "Restock storm: hashing 10K SKUs, JSON, per-store concurrency",
  "menu-sync": "Menu sync: parsing, validating and diffing a large catalog",
  "batch-calculation": "Batch calculation: loyalty points and tiers over millions of records",
};

/**
 * The CPU scenarios the console offers, each on the service that hosts it (`POST <service prefix>/stress/<scenario>`),
 * with the catalog's defaults, which the stress engine uses: the form starts where the server would if left alone.
 */
export const consoleStressScenarios: readonly {
  name: CpuScenario;
  label: string;
  service: string;
  defaultTargetCpu: number;
  defaultDurationSeconds: number;
}[] = (Object.keys(cpuScenarios) as CpuScenario[]).map((name) => ({
  name,
  label: LABELS[name],
  service: cpuScenarios[name].service,
  defaultTargetCpu: cpuScenarios[name].defaultTargetCpu,
  defaultDurationSeconds: cpuScenarios[name].defaultDurationSeconds,
}));

/** The path prefix of the service a scenario runs on, for the operator's information. */
export const scenarioPath = (name: CpuScenario) => `${services[cpuScenarios[name].service].pathPrefix}/stress/${name}`;

/** The run registry's ceiling on a run (Lambda's own 15 minutes). */
export const MAX_STRESS_DURATION_SECONDS = 15 * 60;

export interface StressForm {
  scenario: string;
  targetPercent: number;
  durationSeconds: number;
}

export type StressFormCheck = { ok: true; targetCpu: number; durationSeconds: number } | { ok: false; field: keyof StressForm; reason: string };

/** Turns the form's percent and seconds into the request's fraction, refusing what the server would refuse. */
export function checkStressForm(form: StressForm): StressFormCheck {
  if (!consoleStressScenarios.some((scenario) => scenario.name === form.scenario)) return { ok: false, field: "scenario", reason: `Unknown scenario ${form.scenario}` };
  if (!(form.targetPercent > 0 && form.targetPercent <= 100)) return { ok: false, field: "targetPercent", reason: "Target CPU must be above 0% and at most 100%" };
  if (!(Number.isInteger(form.durationSeconds) && form.durationSeconds >= 1 && form.durationSeconds <= MAX_STRESS_DURATION_SECONDS)) {
    return { ok: false, field: "durationSeconds", reason: `Duration must be 1 to ${MAX_STRESS_DURATION_SECONDS} whole seconds` };
  }
  return { ok: true, targetCpu: Math.round(form.targetPercent * 10) / 1000, durationSeconds: form.durationSeconds };
}

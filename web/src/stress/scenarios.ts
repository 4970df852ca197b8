import type { cpuScenarios } from "@cloudcafe/catalog";

type MorningRush = (typeof cpuScenarios)["morning-rush"];

/**
 * The stress scenarios the console offers through the Order service (`POST /api/orders/stress/<scenario>`). The
 * defaults are typed as the catalog's, which the stress engine uses, so the form starts where the server would if left
 * alone.
 */
export const orderStressScenarios: readonly {
  name: keyof typeof cpuScenarios;
  label: string;
  defaultTargetCpu: number;
  defaultDurationSeconds: number;
}[] = [
  {
    name: "morning-rush",
    label: "Morning rush: order validation, fraud scoring, tax maths",
    defaultTargetCpu: 0.95 satisfies MorningRush["defaultTargetCpu"],
    defaultDurationSeconds: 300 satisfies MorningRush["defaultDurationSeconds"],
  },
];

/** The run registry's ceiling on a run (Lambda's own 15 minutes). */
export const MAX_STRESS_DURATION_SECONDS = 15 * 60;

export interface StressForm {
  scenario: string;
  targetPercent: number;
  durationSeconds: number;
}

export type StressFormCheck = { ok: true; targetCpu: number; durationSeconds: number } | { ok: false; reason: string };

/** Turns the form's percent and seconds into the request's fraction, refusing what the server would refuse. */
export function checkStressForm(form: StressForm): StressFormCheck {
  if (!orderStressScenarios.some((scenario) => scenario.name === form.scenario)) return { ok: false, reason: `Unknown scenario ${form.scenario}` };
  if (!(form.targetPercent > 0 && form.targetPercent <= 100)) return { ok: false, reason: "Target CPU must be above 0% and at most 100%" };
  if (!(Number.isInteger(form.durationSeconds) && form.durationSeconds >= 1 && form.durationSeconds <= MAX_STRESS_DURATION_SECONDS)) {
    return { ok: false, reason: `Duration must be 1 to ${MAX_STRESS_DURATION_SECONDS} whole seconds` };
  }
  return { ok: true, targetCpu: Math.round(form.targetPercent * 10) / 1000, durationSeconds: form.durationSeconds };
}

import { workloadScenarios, type WorkloadParameterSpec, type WorkloadScenario } from "@cloudcafe/catalog";

/**
 * The two workload scenarios are Lambda functions (`functions/stress/src/<scenario>.ts`), not routes of a service: in
 * AWS they are invoked through the Lambda API, signed with IAM credentials a browser does not hold, and locally they
 * run through `npm run stress`, because the avalanche's execution environments (a worker thread each, about 50 MB) and
 * the storm's 100K-row results would take the CPU and memory of whichever service hosted them. So the console checks
 * their parameters against the same caps (the catalog's, which the zod schemas are built from) and builds the exact
 * command and event to run them.
 */
const LABELS: Readonly<Record<WorkloadScenario, string>> = {
  "cold-start-avalanche": "Cold-start avalanche: payment processor instances starting at once",
  "query-storm": "Query storm: end-of-quarter reports against the analytics warehouse",
};

/** The stage's function for a scenario (infra names it `<app>-<stage>-stress-<scenario>`). */
export const stressFunctionName = (scenario: WorkloadScenario, stage = "<stage>") => `cloudcafe-${stage}-stress-${scenario}`;

export interface ConsoleWorkloadParameter extends WorkloadParameterSpec {
  field: string;
}

export const consoleWorkloadScenarios: readonly { name: WorkloadScenario; label: string; service: string; parameters: readonly ConsoleWorkloadParameter[] }[] = (
  Object.keys(workloadScenarios) as WorkloadScenario[]
).map((name) => ({
  name,
  label: LABELS[name],
  service: workloadScenarios[name].service,
  parameters: Object.entries(workloadScenarios[name].parameters).map(([field, spec]: [string, WorkloadParameterSpec]) => ({ field, ...spec })),
}));

export type WorkloadFormCheck =
  | { ok: true; request: Record<string, number> }
  | { ok: false; field: string; reason: string };

/** The form's values as the scenario's schema would take them, or the first it would refuse, by field. */
export function checkWorkloadForm(scenario: string, values: Readonly<Record<string, number>>): WorkloadFormCheck {
  const chosen = consoleWorkloadScenarios.find((candidate) => candidate.name === scenario);
  if (!chosen) return { ok: false, field: "scenario", reason: `Unknown scenario ${scenario}` };
  const request: Record<string, number> = {};
  for (const { field, label, min, max } of chosen.parameters) {
    const value = values[field];
    if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
      return { ok: false, field, reason: `${label} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}` };
    }
    request[field] = value;
  }
  if (scenario === "query-storm" && request.rowsPerQuery! > request.tableRows!) {
    return { ok: false, field: "rowsPerQuery", reason: "Rows per query must not exceed the table rows" };
  }
  return { ok: true, request };
}

export interface WorkloadCommands {
  /** On the laptop, against the local platform (`npm start` running). */
  local: string;
  /** The deployed function's event: only the load; the rest is the function's own configuration. */
  event: Record<string, number>;
  /** The same with the AWS CLI (v2), for the stage's function. */
  invoke: string;
}

/** The exact command and event for a checked request. */
export function workloadCommands(scenario: WorkloadScenario, request: Readonly<Record<string, number>>): WorkloadCommands {
  const parameters = consoleWorkloadScenarios.find((candidate) => candidate.name === scenario)?.parameters ?? [];
  const flags = parameters.map(({ field, flag }) => `--${flag} ${request[field]}`).join(" ");
  const event = Object.fromEntries(parameters.filter((spec) => spec.deployedDefault !== undefined).map(({ field }) => [field, request[field]!]));
  return {
    local: `npm run stress -- ${scenario} ${flags}`,
    event,
    invoke: `aws lambda invoke --function-name ${stressFunctionName(scenario)} --cli-binary-format raw-in-base64-out --cli-read-timeout 900 --payload '${JSON.stringify(event)}' report.json`,
  };
}

import type { StressRun } from "../api/types.ts";
import { formatPercent } from "../money.ts";
import { cpuToY, sparklinePoints } from "../stress/sparkline.ts";
import { MAX_STRESS_DURATION_SECONDS, type StressForm, checkStressForm, consoleStressScenarios, scenarioPath } from "../stress/scenarios.ts";
import { checkWorkloadForm, consoleWorkloadScenarios, stressFunctionName, workloadCommands } from "../stress/workload-scenarios.ts";
import type { WorkloadScenario } from "@cloudcafe/catalog";
import { h, svg } from "./dom.ts";
import { fieldError } from "./field-error.ts";

export interface StressFormHandlers {
  saveToken(token: string): void;
  forgetToken(): void;
  start(form: StressForm): void;
  refresh(): void;
}

/** The chart's plot area, inside room for its axis labels. */
const SPARK = { width: 320, height: 96 };
const AXIS = { left: 40, bottom: 18, top: 6, right: 8 };

/** The operator token and the scenario form: built once, so typing is never interrupted by run polling. */
export function stressFormView(handlers: StressFormHandlers, options: { tokenSaved: boolean; localDefaultToken?: string }): HTMLElement {
  const [first] = consoleStressScenarios;
  const tokenStatus = h("p", { class: "muted", role: "status" }, options.tokenSaved ? "A token is saved for this tab." : "No token saved.");
  const tokenInput = h("input", { id: "operator-token", type: "password", autocomplete: "off", spellcheck: "false" });
  const tokenForm = h(
    "form",
    { class: "token" },
    h("label", { for: "operator-token" }, "Operator token"),
    tokenInput,
    h("button", { type: "submit" }, "Save"),
    h("button", { type: "button", class: "link", onclick: () => {
      handlers.forgetToken();
      tokenInput.value = "";
      tokenStatus.textContent = "Token forgotten.";
    } }, "Forget"),
    options.localDefaultToken && h("p", { class: "muted" }, "Local platform default: ", h("code", {}, options.localDefaultToken)),
    tokenStatus,
  );
  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    handlers.saveToken(tokenInput.value);
    tokenInput.value = "";
    tokenStatus.textContent = "Token saved for this tab (sessionStorage).";
  });

  const scenarioSelect = h("select", { id: "stress-scenario", name: "scenario" }, consoleStressScenarios.map((scenario) => h("option", { value: scenario.name }, scenario.label)));
  const where = h("p", { class: "muted", id: "stress-where" });
  const targetInput = h("input", { id: "stress-target", name: "targetPercent", type: "number", min: 1, max: 100, step: 1 });
  const durationInput = h("input", { id: "stress-duration", name: "durationSeconds", type: "number", min: 1, max: MAX_STRESS_DURATION_SECONDS, step: 1 });
  const runForm = h(
    "form",
    { class: "stress-form", novalidate: true },
    h("label", { for: "stress-scenario" }, "Scenario"),
    scenarioSelect,
    where,
    h("label", { for: "stress-target" }, "Target CPU (% of the service's allowance)"),
    targetInput,
    h("label", { for: "stress-duration" }, `Duration (seconds, at most ${MAX_STRESS_DURATION_SECONDS})`),
    durationInput,
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Start run"), h("button", { type: "button", onclick: handlers.refresh }, "Refresh runs")),
  );
  // Each scenario starts from its own defaults, as the server would use them.
  const applyDefaults = () => {
    const chosen = consoleStressScenarios.find((scenario) => scenario.name === scenarioSelect.value) ?? first;
    if (!chosen) return;
    targetInput.value = String(Math.round(chosen.defaultTargetCpu * 100));
    durationInput.value = String(chosen.defaultDurationSeconds);
    where.textContent = `Runs on the ${chosen.service} service: POST ${scenarioPath(chosen.name)}`;
  };
  scenarioSelect.addEventListener("change", applyDefaults);
  applyDefaults();
  runForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(runForm);
    const form = { scenario: String(data.get("scenario")), targetPercent: Number(data.get("targetPercent")), durationSeconds: Number(data.get("durationSeconds")) };
    // A value the server would refuse is explained under its field, before any request.
    const fields = { scenario: scenarioSelect, targetPercent: targetInput, durationSeconds: durationInput };
    for (const field of Object.values(fields)) fieldError(field, undefined);
    const checked = checkStressForm(form);
    if (!checked.ok) return fieldError(fields[checked.field], `${checked.reason}.`);
    handlers.start(form);
  });

  return h("div", { class: "stress-controls" }, tokenForm, runForm, workloadFormView());
}

/**
 * The two Lambda scenarios: their parameters with the caps and defaults the functions apply, checked field by field,
 * and the exact command and event that run them (why the console does not start them itself: workload-scenarios.ts).
 */
function workloadFormView(): HTMLElement {
  const scenarioSelect = h("select", { id: "workload-scenario", name: "scenario" }, consoleWorkloadScenarios.map((scenario) => h("option", { value: scenario.name }, scenario.label)));
  const fields = h("div", { class: "workload-fields" });
  const result = h("div", { class: "workload-commands", tabindex: -1, role: "status" });
  let inputs: Record<string, HTMLInputElement> = {};
  const showParameters = () => {
    const chosen = consoleWorkloadScenarios.find((scenario) => scenario.name === scenarioSelect.value);
    inputs = {};
    fields.replaceChildren(
      ...(chosen?.parameters ?? []).flatMap((parameter) => {
        const input = h("input", { id: `workload-${parameter.field}`, name: parameter.field, type: "number", min: parameter.min, max: parameter.max, step: 1, value: String(parameter.default) });
        inputs[parameter.field] = input;
        const deployed = parameter.deployedDefault === undefined ? "local runs only" : `deployed default ${parameter.deployedDefault.toLocaleString("en-US")}`;
        return [h("label", { for: input.id }, `${parameter.label} (${parameter.min.toLocaleString("en-US")}–${parameter.max.toLocaleString("en-US")}; ${deployed})`), input];
      }),
    );
    result.replaceChildren();
  };
  scenarioSelect.addEventListener("change", showParameters);
  showParameters();
  const form = h(
    "form",
    { class: "stress-form workload-form", novalidate: true },
    h("h3", {}, "Lambda scenarios"),
    h("p", { class: "muted" }, "These run as Lambda functions, not on a service: build the command or event here, then run it on the laptop or invoke the stage's function."),
    h("label", { for: "workload-scenario" }, "Scenario"),
    scenarioSelect,
    fields,
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Build command")),
    result,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const input of Object.values(inputs)) fieldError(input, undefined);
    const scenario = scenarioSelect.value;
    const checked = checkWorkloadForm(scenario, Object.fromEntries(Object.entries(inputs).map(([field, input]) => [field, input.value === "" ? Number.NaN : Number(input.value)])));
    if (!checked.ok) {
      result.replaceChildren();
      const input = inputs[checked.field];
      return input ? fieldError(input, `${checked.reason}.`) : fieldError(scenarioSelect, `${checked.reason}.`);
    }
    const commands = workloadCommands(scenario as WorkloadScenario, checked.request);
    result.replaceChildren(
      h("p", {}, "On the laptop, with ", h("code", {}, "npm start"), " running:"),
      h("pre", {}, h("code", { "data-command": "local" }, commands.local)),
      h("p", {}, `In AWS: the event for ${stressFunctionName(scenario as WorkloadScenario)} (SST console), or the AWS CLI:`),
      h("pre", {}, h("code", { "data-command": "event" }, JSON.stringify(commands.event))),
      h("pre", {}, h("code", { "data-command": "invoke" }, commands.invoke)),
    );
    result.focus();
  });
  return form;
}

/** Per-second CPU against the target, with a scale: 0-100% of the allowance up the side, 0 s to the run's length along. */
function sparkline(run: StressRun): SVGSVGElement {
  const width = AXIS.left + SPARK.width + AXIS.right;
  const height = AXIS.top + SPARK.height + AXIS.bottom;
  const targetY = cpuToY(run.targetCpu, SPARK);
  const last = run.samples.at(-1);
  const label = (x: number, y: number, text: string, anchor: "start" | "end" | "middle") => svg("text", { x, y, "text-anchor": anchor, class: "axis-label" }, text);
  return svg(
    "svg",
    {
      class: "sparkline",
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-label": `CPU per second for run ${run.id}: target ${formatPercent(run.targetCpu)}${last ? `, last ${formatPercent(last.cpu)} at ${last.second} s` : ""}`,
    },
    label(AXIS.left - 4, AXIS.top + 8, "100%", "end"),
    label(AXIS.left - 4, AXIS.top + SPARK.height, "0%", "end"),
    label(AXIS.left, height - 4, "0 s", "start"),
    label(AXIS.left + SPARK.width, height - 4, `${run.durationSeconds} s`, "end"),
    svg(
      "g",
      { transform: `translate(${AXIS.left} ${AXIS.top})` },
      svg("rect", { class: "plot", x: 0, y: 0, width: SPARK.width, height: SPARK.height }),
      svg("line", { class: "target", x1: 0, x2: SPARK.width, y1: targetY, y2: targetY }),
      svg("polyline", { points: sparklinePoints(run.samples, run.durationSeconds, SPARK) }),
    ),
  );
}

function runRow(run: StressRun, onCancel: (runId: string) => void): HTMLElement {
  const elapsed = run.samples.at(-1)?.second ?? 0;
  return h(
    "li",
    { class: "run" },
    h(
      "div",
      {},
      h("strong", {}, run.scenario),
      " ",
      h("span", { class: `status status-${run.status}` }, run.status),
      h("div", { class: "muted" }, h("code", {}, run.id)),
      h(
        "div",
        {},
        `target ${formatPercent(run.targetCpu)} · achieved ${run.achievedCpu === undefined ? "—" : formatPercent(run.achievedCpu)}`,
        // A run that ended early (cancelled, failed) shows how long it ran, not how long it was asked to.
        ` · ${run.status === "completed" ? run.durationSeconds : `${elapsed} of ${run.durationSeconds}`} s`,
      ),
      run.error && h("div", { class: "error" }, run.error),
    ),
    sparkline(run),
    run.status === "running" && h("button", { type: "button", "data-focus": `cancel-${run.id}`, onclick: () => onCancel(run.id) }, "Cancel"),
  );
}

export function stressRunsView(runs: readonly StressRun[], onCancel: (runId: string) => void): HTMLElement {
  if (runs.length === 0) return h("p", { class: "muted" }, "No runs yet (or none visible with this token).");
  const newestFirst = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return h("ul", { class: "runs", "aria-label": "Stress runs" }, newestFirst.map((run) => runRow(run, onCancel)));
}

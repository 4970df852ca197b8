import type { StressRun } from "../api/types.ts";
import { formatPercent } from "../money.ts";
import { cpuToY, sparklinePoints } from "../stress/sparkline.ts";
import { MAX_STRESS_DURATION_SECONDS, type StressForm, orderStressScenarios } from "../stress/scenarios.ts";
import { h, svg } from "./dom.ts";

export interface StressFormHandlers {
  saveToken(token: string): void;
  forgetToken(): void;
  start(form: StressForm): void;
  refresh(): void;
}

const SPARK = { width: 240, height: 48 };

/** The operator token and the scenario form: built once, so typing is never interrupted by run polling. */
export function stressFormView(handlers: StressFormHandlers, options: { tokenSaved: boolean; localDefaultToken?: string }): HTMLElement {
  const [first] = orderStressScenarios;
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

  const runForm = h(
    "form",
    { class: "stress-form" },
    h("label", { for: "stress-scenario" }, "Scenario"),
    h("select", { id: "stress-scenario", name: "scenario" }, orderStressScenarios.map((scenario) => h("option", { value: scenario.name }, scenario.label))),
    h("label", { for: "stress-target" }, "Target CPU (% of the service's allowance)"),
    h("input", { id: "stress-target", name: "targetPercent", type: "number", min: 1, max: 100, step: 1, value: String(Math.round((first?.defaultTargetCpu ?? 0.5) * 100)) }),
    h("label", { for: "stress-duration" }, "Duration (seconds)"),
    h("input", { id: "stress-duration", name: "durationSeconds", type: "number", min: 1, max: MAX_STRESS_DURATION_SECONDS, step: 1, value: "30" }),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Start run"), h("button", { type: "button", onclick: handlers.refresh }, "Refresh runs")),
  );
  runForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(runForm);
    handlers.start({ scenario: String(data.get("scenario")), targetPercent: Number(data.get("targetPercent")), durationSeconds: Number(data.get("durationSeconds")) });
  });

  return h("div", { class: "stress-controls" }, tokenForm, runForm);
}

function sparkline(run: StressRun): SVGSVGElement {
  const targetY = cpuToY(run.targetCpu, SPARK);
  const last = run.samples.at(-1);
  return svg(
    "svg",
    { class: "sparkline", viewBox: `0 0 ${SPARK.width} ${SPARK.height}`, width: SPARK.width, height: SPARK.height, role: "img", "aria-label": `CPU per second for run ${run.id}${last ? `, last ${formatPercent(last.cpu)}` : ""}` },
    svg("line", { class: "target", x1: 0, x2: SPARK.width, y1: targetY, y2: targetY }),
    svg("polyline", { points: sparklinePoints(run.samples, run.durationSeconds, SPARK) }),
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
        ` · ${run.status === "running" ? `${elapsed} of ${run.durationSeconds}` : run.durationSeconds} s`,
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

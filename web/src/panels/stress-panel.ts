import { sleep } from "@cloudcafe/core/sleep";
import type { ApiClient } from "../api/client.ts";
import { uuidV4 } from "../api/random.ts";
import { withRetries } from "../api/retry.ts";
import type { StressRun } from "../api/types.ts";
import type { OperatorTokenStore } from "../stress/operator-token.ts";
import { checkStressForm, consoleStressScenarios } from "../stress/scenarios.ts";
import { createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { stressFormView, stressRunsView } from "../views/stress.ts";

/** Runs report one CPU sample a second; polling faster would only redraw the same line. */
const POLL_INTERVAL_MS = 1_000;

interface State {
  runs: StressRun[];
  /** Services whose stress controls did not answer (not running here, or not deployed on this stage). */
  unreachable?: readonly string[];
  message?: { text: string; error: boolean } | undefined;
}

const upsertRun = (runs: readonly StressRun[], run: StressRun) => [run, ...runs.filter((existing) => existing.id !== run.id)];

/** The ops panel: operator token, morning-rush runs with live CPU, cancel. Every call here needs the operator token. */
export function stressPanel(client: ApiClient, tokens: OperatorTokenStore, localDefaultToken: string | undefined): HTMLElement {
  const state = createStore<State>({ runs: [] });
  const runsRegion = h("div");
  const messageRegion = h("div", { role: "status" });
  let polling = false;

  let shownMessage: State["message"];
  state.subscribe((current) => {
    replaceContent(
      runsRegion,
      stressRunsView(current.runs, (runId) => void cancel(runId)),
      current.unreachable?.length ? h("p", { class: "muted" }, `Not answering (not running or not deployed): ${current.unreachable.join(", ")}.`) : false,
    );
    // Only a new message touches the live region; redrawing it on every poll would re-announce it every second.
    if (current.message === shownMessage) return;
    shownMessage = current.message;
    replaceContent(messageRegion, current.message && h("p", { class: current.message.error ? "alert" : "muted", tabindex: -1 }, current.message.text));
  });
  /** After a start or a cancel, focus goes to what happened (the Cancel button itself is gone once a run ends). */
  const focusMessage = () => messageRegion.querySelector<HTMLElement>("p")?.focus();

  const fail = (error: unknown) => state.update((current) => ({ ...current, message: { text: describeError(error), error: true } }));
  const say = (text: string) => state.update((current) => ({ ...current, message: { text, error: false } }));

  async function refresh(): Promise<boolean> {
    try {
      const { data, unreachable } = await client.listStressRuns();
      state.update((current) => ({ ...current, runs: data, unreachable }));
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  }

  /** Polls while any run is running; stops on its own when they all end or when the token stops working. */
  async function pollWhileRunning() {
    if (polling) return;
    polling = true;
    try {
      while (state.get().runs.some((run) => run.status === "running")) {
        await sleep(POLL_INTERVAL_MS);
        if (!(await refresh())) break;
      }
    } finally {
      polling = false;
    }
  }

  async function start(form: Parameters<typeof checkStressForm>[0]) {
    const checked = checkStressForm(form);
    const scenario = consoleStressScenarios.find(({ name }) => name === form.scenario)?.name;
    if (!checked.ok || !scenario) {
      fail(new Error(checked.ok ? `Unknown scenario ${form.scenario}` : checked.reason));
      return focusMessage();
    }
    // The run id is chosen here so a retry after a lost answer returns the same run instead of starting a second one.
    const body = { targetCpu: checked.targetCpu, durationSeconds: checked.durationSeconds, runId: uuidV4() };
    try {
      const { data, traceId } = await withRetries(() => client.startStressRun(scenario, body), { attempts: 2 });
      state.update((current) => ({ ...current, runs: upsertRun(current.runs, data), message: { text: `Run ${data.id} started (trace ${traceId}).`, error: false } }));
      void pollWhileRunning();
    } catch (error) {
      fail(error);
    }
    focusMessage();
  }

  async function cancel(runId: string) {
    const scenario = state.get().runs.find((run) => run.id === runId)?.scenario;
    if (!scenario) return fail(new Error(`Run ${runId} is not listed; refresh the runs`));
    say(`Cancelling ${runId}: waiting for its workers to finish their last slice…`);
    try {
      const { data } = await client.cancelStressRun(scenario, runId);
      state.update((current) => ({ ...current, runs: upsertRun(current.runs, data), message: { text: `Run ${runId} ${data.status}.`, error: false } }));
    } catch (error) {
      fail(error);
    }
    focusMessage();
  }

  const loadRuns = async () => {
    if (await refresh()) void pollWhileRunning();
  };

  const form = stressFormView(
    {
      saveToken: (token) => {
        tokens.set(token);
        void loadRuns();
      },
      forgetToken: () => {
        tokens.clear();
        state.update(() => ({ runs: [] }));
      },
      start: (values) => void start(values),
      refresh: () => void loadRuns(),
    },
    { tokenSaved: tokens.get() !== undefined, ...(localDefaultToken ? { localDefaultToken } : {}) },
  );
  if (tokens.get()) void loadRuns();
  return h(
    "div",
    { class: "stress" },
    form,
    messageRegion,
    h("h3", {}, "Runs"),
    h("p", { class: "muted" }, "Each sparkline spans the run's duration: process CPU per second as a share of the service's allowance; the dashed line is the target."),
    runsRegion,
  );
}

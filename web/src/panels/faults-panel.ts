import { type ConsoleFault, type FaultsClient, secondsLeft } from "../chaos/faults-client.ts";
import type { OperatorTokenStore } from "../stress/operator-token.ts";
import { createStore } from "../store.ts";
import { describeError } from "../views/describe-error.ts";
import { h, replaceContent } from "../views/dom.ts";
import { fieldError } from "../views/field-error.ts";

/** The countdown ticks each second; the list is read again every few seconds while a fault is in force (TTL reverts). */
const TICK_MS = 1_000;
const REFRESH_EVERY_TICKS = 3;

interface State {
  faults: ConsoleFault[];
  message?: { text: string; error: boolean } | undefined;
}

const countdown = (expiresAt: string, now: number) => `Active: reverts in ${secondsLeft(expiresAt, now)} s`;

/** A signal metric, with the dimensions it is read by when not all its series (`{ServiceName: ecsService}`: the order service's). */
function signalMetricLabel({ namespace, name, dimensions = {} }: ConsoleFault["signals"]["metrics"][number]): string {
  const roles = Object.entries(dimensions).map(([dimension, role]) => `${dimension}: ${role}`);
  return roles.length === 0 ? `${namespace} ${name}` : `${namespace} ${name} {${roles.join(", ")}}`;
}

function faultCard(fault: ConsoleFault, now: number, handlers: { inject(id: string, ttlSeconds: number): void; revert(id: string): void }): HTMLElement {
  const ttlId = `fault-ttl-${fault.id}`;
  const ttl = h("input", { id: ttlId, type: "number", min: 1, max: fault.maxDurationSeconds, step: 1, value: fault.defaultDurationSeconds });
  const controls = fault.active
    ? h(
        "div",
        { class: "row" },
        h("strong", { class: "fault-active", role: "timer", "data-expires": fault.active.expiresAt }, countdown(fault.active.expiresAt, now)),
        h("button", { type: "button", onclick: () => handlers.revert(fault.id), "aria-label": `Revert ${fault.title}` }, "Revert"),
      )
    : fault.available
      ? h(
          "form",
          {
            class: "row",
            novalidate: true,
            onsubmit: (event: Event) => {
              event.preventDefault();
              const seconds = Number(ttl.value);
              if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= fault.maxDurationSeconds)) {
                return fieldError(ttl, `TTL: a whole number of seconds from 1 to ${fault.maxDurationSeconds}.`);
              }
              handlers.inject(fault.id, seconds);
            },
          },
          h("label", { for: ttlId }, `TTL (s, at most ${fault.maxDurationSeconds})`),
          ttl,
          h("button", { type: "submit", class: "primary", "aria-label": `Inject ${fault.title}` }, "Inject"),
        )
      : h("p", { class: "muted" }, "No local mechanism running here.");
  return h(
    "li",
    { class: `fault${fault.active ? " is-active" : ""}`, "data-fault": fault.id },
    h("h3", {}, fault.title, " ", h("code", {}, fault.id)),
    h("p", {}, h("strong", {}, "Breaks: "), fault.breaks),
    h("p", { class: "muted" }, h("strong", {}, "Expected recovery: "), `${fault.expectedRecovery.local} (about ${fault.expectedRecovery.localSeconds} s here); in AWS: ${fault.expectedRecovery.aws}`),
    h("p", { class: "muted" }, h("strong", {}, "Signal: "), `alarm ${fault.signals.alarm}, `, fault.signals.metrics.map(signalMetricLabel).join(", "), ". ", h("strong", {}, "Blast radius: "), fault.blastRadius),
    fault.active && Object.keys(fault.active.effect).length > 0 && h("p", { class: "muted" }, "Effect: ", Object.entries(fault.active.effect).map(([key, value]) => `${key} ${value}`).join(", ")),
    controls,
  );
}

/**
 * The ops panel's fault injection: the registry's scenarios with what each breaks and how it is expected to recover,
 * inject with a TTL, revert, and a countdown for each fault in force. Every call needs the operator token (saved in
 * the stress panel's form, shared by the tab).
 */
export function faultsPanel(client: FaultsClient, tokens: OperatorTokenStore): HTMLElement {
  const state = createStore<State>({ faults: [] });
  const listRegion = h("ul", { class: "faults" });
  const messageRegion = h("div", { role: "status" });
  let ticker: ReturnType<typeof setInterval> | undefined;
  let ticks = 0;
  let shownMessage: State["message"];

  const render = (current: State) => {
    const handlers = { inject: (id: string, ttl: number) => void inject(id, ttl), revert: (id: string) => void revert(id) };
    replaceContent(listRegion, current.faults.map((fault) => faultCard(fault, Date.now(), handlers)));
    if (current.message === shownMessage) return;
    shownMessage = current.message;
    replaceContent(messageRegion, current.message && h("p", { class: current.message.error ? "alert" : "muted", tabindex: -1 }, current.message.text));
  };
  /** After an inject or a revert, focus goes to what happened (the button pressed is gone with the redrawn card). */
  const focusMessage = () => messageRegion.querySelector<HTMLElement>("p")?.focus();
  state.subscribe(render);

  const fail = (error: unknown) => state.update((current) => ({ ...current, message: { text: describeError(error), error: true } }));
  const say = (text: string) => state.update((current) => ({ ...current, message: { text, error: false } }));

  /** Ticks while a fault is in force: the countdown redraws, and the list is read again so a TTL's revert shows. */
  const keepTicking = () => {
    const anyActive = state.get().faults.some((fault) => fault.active);
    if (anyActive && !ticker) {
      ticker = setInterval(() => {
        ticks++;
        if (ticks % REFRESH_EVERY_TICKS === 0) return void refresh();
        // Only the countdowns change between reads: the forms (a TTL being typed) are left alone.
        for (const timer of Array.from(listRegion.querySelectorAll<HTMLElement>("[data-expires]"))) timer.textContent = countdown(timer.dataset.expires ?? "", Date.now());
      }, TICK_MS);
    } else if (!anyActive && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };

  async function refresh(): Promise<void> {
    if (!tokens.get()) return say("Save the operator token (above) to list the faults.");
    try {
      const faults = await client.list();
      // Redraw only on a change, so a TTL being typed survives the periodic reads.
      if (JSON.stringify(faults) !== JSON.stringify(state.get().faults)) state.update((current) => ({ ...current, faults }));
      keepTicking();
    } catch (error) {
      fail(error);
    }
  }

  async function inject(id: string, ttlSeconds: number) {
    try {
      const fault = await client.inject(id, ttlSeconds);
      say(`${id} injected for ${fault.ttlSeconds} s (injection ${fault.injectionId}).`);
      await refresh();
    } catch (error) {
      fail(error);
    }
    focusMessage();
  }

  async function revert(id: string) {
    try {
      await client.revert(id);
      say(`${id} reverted.`);
      await refresh();
    } catch (error) {
      fail(error);
    }
    focusMessage();
  }

  void refresh();
  return h(
    "div",
    { class: "faults-panel" },
    h("p", { class: "muted" }, "The architecture's failure scenarios, caused on this platform by the chaos control plane. Each reverts itself when its TTL ends."),
    h("div", { class: "row" }, h("button", { type: "button", onclick: () => void refresh() }, "Refresh faults")),
    messageRegion,
    listRegion,
  );
}

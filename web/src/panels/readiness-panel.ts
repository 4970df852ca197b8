import type { ApiClient } from "../api/client.ts";
import { createStore } from "../store.ts";
import { h, replaceContent } from "../views/dom.ts";
import { type ReadinessState, readinessView } from "../views/readiness.ts";

/** Readiness at a glance; with `refreshMs` it checks again on its own (the ops view) while the page is visible. */
export function readinessPanel(client: ApiClient, options: { refreshMs?: number | undefined } = {}): HTMLElement {
  const state = createStore<ReadinessState>({ kind: "checking" });
  const element = h("div", { class: "readiness" });
  const check = async (quietly = false) => {
    // A refresh on its own keeps the last answer on screen until the new one arrives.
    if (!quietly) state.update(() => ({ kind: "checking" }));
    try {
      const { data } = await client.readiness();
      state.update(() => ({ kind: "answered", readiness: data }));
    } catch (error) {
      state.update(() => ({ kind: "failed", error: error instanceof Error ? error : new Error(String(error)) }));
    }
  };
  // Checking again keeps the last answer, and with it the button and its focus, until the new answer replaces it.
  state.subscribe((current) => replaceContent(element, readinessView(current, () => void check(true))));
  void check();
  if (options.refreshMs) {
    const every = options.refreshMs;
    setInterval(() => {
      if (!document.hidden) void check(true);
    }, every);
  }
  return element;
}

import type { ApiClient } from "../api/client.ts";
import { createStore } from "../store.ts";
import { h, replaceContent } from "../views/dom.ts";
import { type ReadinessState, readinessView } from "../views/readiness.ts";

export function readinessPanel(client: ApiClient): HTMLElement {
  const state = createStore<ReadinessState>({ kind: "checking" });
  const element = h("div", { class: "readiness" });
  const check = async () => {
    state.update(() => ({ kind: "checking" }));
    try {
      const { data } = await client.readiness();
      state.update(() => ({ kind: "answered", readiness: data }));
    } catch (error) {
      state.update(() => ({ kind: "failed", error: error instanceof Error ? error : new Error(String(error)) }));
    }
  };
  state.subscribe((current) => replaceContent(element, readinessView(current, () => void check())));
  void check();
  return element;
}

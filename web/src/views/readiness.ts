import type { ApiError } from "../api/errors.ts";
import type { Readiness } from "../api/types.ts";
import { describeError } from "./describe-error.ts";
import { h } from "./dom.ts";

export type ReadinessState = { kind: "checking" } | { kind: "answered"; readiness: Readiness } | { kind: "failed"; error: ApiError | Error };

/** The order service's `/ready`: one line per dependency, so a degraded engine is visible before ordering. */
export function readinessView(state: ReadinessState, onRefresh: () => void): HTMLElement {
  const refresh = h("button", { type: "button", class: "link", "data-focus": "readiness-refresh", onclick: onRefresh }, "check again");
  if (state.kind === "checking") return h("p", { class: "muted" }, "Checking readiness…");
  if (state.kind === "failed") {
    const notExposed = "status" in state.error && state.error.status === 404;
    return h("p", { class: "muted" }, notExposed ? "Readiness is not exposed through this gateway. " : `Readiness unknown: ${describeError(state.error)} `, refresh);
  }
  const { readiness } = state;
  return h(
    "div",
    {},
    h("p", {}, h("span", { class: `status status-${readiness.status}` }, readiness.status), ` ${readiness.service} `, refresh),
    h(
      "ul",
      { class: "dependencies" },
      Object.entries(readiness.dependencies).map(([name, dependency]) =>
        h("li", {}, h("span", { class: dependency.ok ? "ok" : "error", "aria-hidden": "true" }, dependency.ok ? "✓" : "✗"), ` ${name} `, h("span", { class: "visually-hidden" }, dependency.ok ? "answers" : "failing"), h("span", { class: "muted" }, `${dependency.latencyMs} ms`), dependency.error && h("div", { class: "error" }, dependency.error)),
      ),
    ),
  );
}

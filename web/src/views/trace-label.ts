import { h } from "./dom.ts";

/** A trace id an SRE can copy and grep the logs for (the `trace_id` field of every JSON log line). */
export function traceLabel(traceId: string): HTMLElement {
  const copy = h("button", { type: "button", class: "link copy", "data-focus": `copy-${traceId}`, "aria-label": `Copy trace id ${traceId}` }, "copy");
  copy.addEventListener("click", () => {
    void navigator.clipboard?.writeText(traceId).then(
      () => (copy.textContent = "copied"),
      () => (copy.textContent = "select to copy"),
    );
  });
  return h("span", { class: "trace" }, h("code", { title: "W3C trace id" }, traceId), " ", copy);
}

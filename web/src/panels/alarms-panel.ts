import type { AlarmView } from "../ops/ops-client.ts";
import type { OpsFeedState } from "../ops/ops-feed.ts";
import type { Store } from "../store.ts";
import { h, replaceContent } from "../views/dom.ts";

const STATE_LABELS: Record<AlarmView["state"], string> = { OK: "OK", ALARM: "ALARM", INSUFFICIENT_DATA: "no data" };
const COMPARISON_SIGNS: Record<string, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: "≥",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
};
const UNIT_SUFFIX: Record<AlarmView["unit"], string> = { Percent: "%", Count: "", Milliseconds: " ms", Seconds: " s" };

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** "> 5%", "< 70%", "> 80 (of max_connections)": the threshold as the sink uses it. */
export function thresholdText(alarm: Pick<AlarmView, "threshold" | "comparison" | "unit">): string {
  if (alarm.threshold === null) return "not known yet";
  return `${COMPARISON_SIGNS[alarm.comparison] ?? alarm.comparison} ${Math.round(alarm.threshold * 100) / 100}${UNIT_SUFFIX[alarm.unit]}`;
}

/** "5 × 2 s here (5 min deployed)": how long the threshold must be crossed before it fires. */
export function durationText(alarm: Pick<AlarmView, "evaluationPeriods" | "periodSeconds" | "deployedPeriodSeconds">): string {
  const deployedMinutes = (alarm.evaluationPeriods * alarm.deployedPeriodSeconds) / 60;
  return `${alarm.evaluationPeriods} × ${alarm.periodSeconds} s here (${deployedMinutes} min deployed)`;
}

function alarmItem(alarm: AlarmView): HTMLElement {
  return h(
    "li",
    { class: `alarm alarm-${alarm.state.toLowerCase()}` },
    h("div", { class: "alarm-head" }, h("span", { class: "alarm-state" }, STATE_LABELS[alarm.state]), " ", h("strong", {}, alarm.key)),
    h("div", {}, alarm.description),
    h("div", { class: "muted" }, `threshold ${thresholdText(alarm)} · ${durationText(alarm)} · since ${clock(alarm.stateChangedAt)}`),
    h("div", { class: "muted alarm-reason" }, alarm.reason),
  );
}

/** The alarms the local sink evaluates: state, since when, threshold and why; refreshed with the ops feed. */
export function alarmsPanel(feed: Store<OpsFeedState>): HTMLElement {
  const list = h("ul", { class: "alarms", "aria-label": "Alarms" });
  const note = h("div", { role: "status" });
  let shownNote = "";
  feed.subscribe((state) => {
    if (state.alarms) {
      const firing = state.alarms.filter((alarm) => alarm.state === "ALARM");
      // ALARM first, then the rest in the catalog's order.
      replaceContent(list, [...firing, ...state.alarms.filter((alarm) => alarm.state !== "ALARM")].map(alarmItem));
    }
    const text = state.error
      ? `The alarms did not load: ${state.error}. The local platform's metrics sink serves them (npm start); a deployed stage's are in CloudWatch.`
      : state.alarms
        ? `${state.alarms.filter((alarm) => alarm.state === "ALARM").length} of ${state.alarms.length} in ALARM`
        : "Loading the alarms…";
    // Only a change touches the live region, so a refresh every 2 s is not announced every 2 s.
    if (text === shownNote) return;
    shownNote = text;
    replaceContent(note, h("p", { class: state.error ? "alert" : "muted" }, text));
  });
  return h("div", { class: "alarms-panel" }, note, list);
}

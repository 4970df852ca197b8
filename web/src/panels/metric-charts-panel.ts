import type { Point } from "../ops/ops-client.ts";
import { type ChartedMetric, type OpsFeedState, WINDOW_MS } from "../ops/ops-feed.ts";
import { type TimePoint, timeChartGeometry } from "../ops/time-chart.ts";
import type { Store } from "../store.ts";
import { h, replaceContent, svg } from "../views/dom.ts";

/** The series charted from `/api/ops/metrics`, each merged over its dimensions, per 2 s period. */
export const chartedMetrics = {
  gatewayP99: { namespace: "AWS/ApplicationELB", name: "TargetResponseTime", statistic: "p99", dimensions: "LoadBalancer=local-gateway", periodSeconds: 2, scale: 1000 },
  orderCreationP99: { namespace: "CloudCafe/OrderService", name: "OrderCreationDuration", statistic: "p99", periodSeconds: 2 },
  paymentGatewayErrors: { namespace: "CloudCafe/PaymentProcessor", name: "GatewayErrors", statistic: "Sum", periodSeconds: 2 },
} satisfies Record<string, ChartedMetric>;

interface Chart {
  title: string;
  unit: string;
  /** An alarm's own recent values (its measured metric per local period), or a charted metric. */
  from: { alarm: string } | { metric: keyof typeof chartedMetrics };
}

const charts: Chart[] = [
  { title: "Gateway 5XX rate", unit: "%", from: { alarm: "alb5xxRate" } },
  { title: "Gateway p99 latency", unit: "ms", from: { metric: "gatewayP99" } },
  { title: "Order creation p99", unit: "ms", from: { metric: "orderCreationP99" } },
  { title: "Payment gateway errors", unit: "per 2 s", from: { metric: "paymentGatewayErrors" } },
  { title: "Payment processor error rate", unit: "%", from: { alarm: "lambdaErrorRate" } },
  { title: "Cache hit rate", unit: "%", from: { alarm: "cacheHitRate" } },
];

const PLOT = { width: 260, height: 80 };
const AXIS = { left: 44, right: 8, top: 8, bottom: 18 };

const toTime = (points: readonly Point[]): TimePoint[] => points.map((point) => ({ tMs: Date.parse(point.t), value: point.value }));
const shortNumber = (value: number) => (value >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10));

function chartView(chart: Chart, points: readonly TimePoint[], nowMs: number, threshold: number | undefined): HTMLElement {
  const geometry = timeChartGeometry(points, nowMs - WINDOW_MS, nowMs, PLOT, threshold);
  const width = AXIS.left + PLOT.width + AXIS.right;
  const height = AXIS.top + PLOT.height + AXIS.bottom;
  const label = (x: number, y: number, text: string, anchor: "start" | "end") => svg("text", { x, y, "text-anchor": anchor, class: "axis-label" }, text);
  const latest = geometry.last ? `${shortNumber(geometry.last.value)} ${chart.unit}` : "no data";
  const summary = `${chart.title}: latest ${latest}${threshold === undefined ? "" : `, alarm threshold ${shortNumber(threshold)} ${chart.unit}`}, last 3 minutes`;
  return h(
    "figure",
    { class: "metric-chart" },
    h("figcaption", {}, h("strong", {}, `${chart.title} (${chart.unit})`), " ", h("span", { class: "muted" }, latest)),
    svg(
      "svg",
      { class: "sparkline time-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary },
      label(AXIS.left - 4, AXIS.top + 8, shortNumber(geometry.top), "end"),
      label(AXIS.left - 4, AXIS.top + PLOT.height, "0", "end"),
      label(AXIS.left, height - 4, "−3 min", "start"),
      label(AXIS.left + PLOT.width, height - 4, "now", "end"),
      svg(
        "g",
        { transform: `translate(${AXIS.left} ${AXIS.top})` },
        svg("rect", { class: "plot", x: 0, y: 0, width: PLOT.width, height: PLOT.height }),
        geometry.thresholdY !== undefined && svg("line", { class: "target", x1: 0, x2: PLOT.width, y1: geometry.thresholdY, y2: geometry.thresholdY }),
        svg("polyline", { points: geometry.line }),
      ),
    ),
  );
}

/** Charts of the key series the local platform collects, with axes and the alarm thresholds, refreshed with the ops feed. */
export function metricChartsPanel(feed: Store<OpsFeedState>, now: () => number = Date.now): HTMLElement {
  const grid = h("div", { class: "metric-charts" });
  feed.subscribe((state) => {
    if (!state.alarms) return;
    const nowMs = state.updatedAt ?? now();
    replaceContent(
      grid,
      charts.map((chart) => {
        if ("alarm" in chart.from) {
          const alarm = state.alarms?.find((candidate) => candidate.key === (chart.from as { alarm: string }).alarm);
          const points = (alarm?.recent ?? []).flatMap((point) => (point.value === null ? [] : [{ tMs: Date.parse(point.t), value: point.value }]));
          return chartView(chart, points, nowMs, alarm?.threshold ?? undefined);
        }
        return chartView(chart, toTime(state.series[chart.from.metric] ?? []), nowMs, undefined);
      }),
    );
  });
  return h(
    "div",
    {},
    h("p", { class: "muted" }, "Per 2-second period (a CloudWatch minute on this machine), the last 3 minutes; the dashed line is the alarm's threshold."),
    grid,
  );
}

/**
 * The overview dashboard: what an operator watches while a stress scenario or a chaos experiment runs. Custom metrics
 * are EMF (packages/observability), dimensioned by `service` plus whatever the emitter adds; a SEARCH expression only
 * matches metrics with exactly the dimension set of its schema, so every widget names the set its emitter uses.
 */
import {
  COLD_START_P99_TARGET_MS,
  cpuScenarios,
  metricNamespaces,
  queues,
  STRESS_METRIC_DIMENSIONS,
  workloadScenarios,
} from "@cloudcafe/catalog";
import { physicalName, stageName } from "./naming.ts";

const MINUTE = 60;
const WIDTH = 8;
const HEIGHT = 6;

export interface CustomMetricWidget {
  readonly title: string;
  readonly namespace: string;
  readonly metric: string;
  /** The emitted dimension names besides the namespace (always including `service`). */
  readonly dimensions: readonly string[];
  readonly stat: "Average" | "Sum" | "Maximum" | "p99";
  /** A horizontal line, e.g. the architecture's target. */
  readonly target?: { readonly label: string; readonly value: number };
}

const custom = (
  title: string,
  namespace: string,
  metric: string,
  stat: CustomMetricWidget["stat"],
  extraDimensions: readonly string[] = [],
  target?: CustomMetricWidget["target"],
): CustomMetricWidget => ({ title, namespace, metric, stat, dimensions: ["service", ...extraDimensions], ...(target ? { target } : {}) });

/** Every custom metric on the dashboard, with the dimensions its emitter writes (see the `metrics.put` calls). */
export const DASHBOARD_METRICS: readonly CustomMetricWidget[] = [
  // Stress: each CPU scenario's achieved CPU, once a second during a run (packages/stress registry).
  ...Object.entries(cpuScenarios).map(([scenario, spec]) => ({
    title: `${scenario}: achieved CPU %`,
    namespace: metricNamespaces[spec.service],
    metric: spec.metric,
    stat: "Average" as const,
    dimensions: STRESS_METRIC_DIMENSIONS,
  })),
  // Stress: the fixed-workload scenarios' p99 (packages/stress workload).
  ...Object.entries(workloadScenarios).map(([scenario, spec]) => ({
    title: `${scenario}: p99 ms`,
    namespace: metricNamespaces[spec.service],
    metric: spec.durationMetric,
    stat: "Maximum" as const,
    dimensions: STRESS_METRIC_DIMENSIONS,
    ...(scenario === "cold-start-avalanche" ? { target: { label: "p99 target", value: COLD_START_P99_TARGET_MS } } : {}),
  })),
  custom("Order: creation ms (p99)", metricNamespaces.order, "OrderCreationDuration", "p99"),
  custom("Order: request latency ms (p99) by route", metricNamespaces.order, "RequestLatency", "p99", ["route"]),
  custom("Order: cache hits", metricNamespaces.order, "CacheHit", "Sum", ["cache"]),
  custom("Order: outbox pending", metricNamespaces.order, "OutboxPending", "Maximum"),
  custom("Order: outbox oldest age s", metricNamespaces.order, "OutboxOldestAgeSeconds", "Maximum"),
  custom("Payment: processed by outcome", metricNamespaces.payment, "PaymentProcessed", "Sum", ["outcome"]),
  custom("Payment: duration ms (p99)", metricNamespaces.payment, "PaymentDuration", "p99"),
  custom("Payment: cold starts", metricNamespaces.payment, "ColdStart", "Sum"),
  custom("Payment: fraud screen ms (p99)", metricNamespaces.payment, "FraudScreenDuration", "p99"),
  custom("Payment: gateway errors", metricNamespaces.payment, "GatewayErrors", "Sum"),
];

/** Dead-letter queues whose depth the dashboard shows: a message there needs a human. */
export const DASHBOARD_DEAD_LETTER_QUEUES = Object.values(queues).flatMap((spec) =>
  "deadLetter" in spec && spec.deadLetter ? [physicalName(spec.deadLetter.queueName)] : [],
);

export const searchExpression = (widget: CustomMetricWidget) =>
  `SEARCH('{${[widget.namespace, ...widget.dimensions].join(",")}} MetricName="${widget.metric}"', '${widget.stat}', ${MINUTE})`;

const position = (index: number) => ({ x: (index % 3) * WIDTH, y: Math.floor(index / 3) * HEIGHT, width: WIDTH, height: HEIGHT });

export function dashboard(region: string, alarmArns: $util.Input<string>[]) {
  const customWidgets = DASHBOARD_METRICS.map((widget, index) => ({
    type: "metric",
    ...position(index),
    properties: {
      title: widget.title,
      region,
      view: "timeSeries",
      period: MINUTE,
      metrics: [[{ id: "m", expression: searchExpression(widget), label: widget.metric }]],
      ...(widget.target ? { annotations: { horizontal: [{ label: widget.target.label, value: widget.target.value }] } } : {}),
    },
  }));
  const dlqIndex = DASHBOARD_METRICS.length;
  const deadLetters = {
    type: "metric",
    ...position(dlqIndex),
    properties: {
      title: "Dead-letter queues: messages waiting",
      region,
      view: "timeSeries",
      period: MINUTE,
      stat: "Maximum",
      metrics: DASHBOARD_DEAD_LETTER_QUEUES.map((queueName) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName]),
    },
  };
  const alarmsRow = Math.floor(dlqIndex / 3) * HEIGHT + HEIGHT;
  return new aws.cloudwatch.Dashboard("Dashboard", {
    dashboardName: stageName("overview"),
    dashboardBody: $resolve(alarmArns).apply((arns) =>
      JSON.stringify({
        widgets: [
          ...customWidgets,
          deadLetters,
          { type: "alarm", x: 0, y: alarmsRow, width: 24, height: 4, properties: { title: "Alarms", alarms: arns } },
        ],
      }),
    ),
  });
}

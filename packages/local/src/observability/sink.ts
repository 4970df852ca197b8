/**
 * The local platform's CloudWatch: every process of `npm start` hands it its EMF documents (the services and workers
 * through their piped output, the in-process Lambda stand-ins through the routed stdout writer), collectors add what
 * AWS measures outside the code (the gateway's ALB metrics, PostgreSQL connections, Redis hit rate, running tasks),
 * and it evaluates the catalog's alarms every second over their local periods.
 */
import { type AlarmDefinition, type AlarmKey, type RelativeThreshold, alarmDefinitions, localAlarmDimensions } from "@cloudcafe/catalog";
import { type AlarmEvaluator, type AlarmStatus, type AlarmTransition, createAlarmEvaluator } from "./alarm-evaluator.ts";
import { emfLineDatapoints } from "./emf.ts";
import { type Datapoint, type MetricStore, createMetricStore } from "./metric-store.ts";

/** Container Insights' namespace: running and desired tasks per service. */
export const TASK_COUNT_NAMESPACE = "ECS/ContainerInsights";

export interface MetricsSink {
  readonly store: MetricStore;
  /** A line of a process's output: an EMF document is recorded and true returned; any other line is left alone. */
  ingestLine(line: string): boolean;
  /** One datapoint, as an EMF document would carry it. */
  record(datapoint: Datapoint): void;
  /**
   * A service's running and desired replicas (the supervisor's counts), reported as Container Insights'
   * RunningTaskCount and DesiredTaskCount every second until the next call, as the agent reports them.
   */
  recordRunning(service: string, running: number, desired: number): void;
  /** A number a relative threshold needs (the local PostgreSQL's max_connections). */
  setKnown(name: RelativeThreshold["of"], value: number): void;
  /** Every alarm's state, evaluated now. */
  alarms(): AlarmStatus[];
  /** Called on every alarm state change. */
  onAlarmChange(listener: (key: AlarmKey, transition: AlarmTransition) => void): void;
  /** Starts evaluating every second (and reporting task counts); `stop` ends it. */
  start(): void;
  stop(): void;
}

export interface MetricsSinkOptions {
  readonly definitions?: Readonly<Partial<Record<AlarmKey, AlarmDefinition>>>;
  readonly now?: () => number;
}

const TICK_MS = 1_000;

export function createMetricsSink(options: MetricsSinkOptions = {}): MetricsSink {
  const now = options.now ?? Date.now;
  const store = createMetricStore({ now });
  const known: Partial<Record<RelativeThreshold["of"], number>> = {};
  const listeners: ((key: AlarmKey, transition: AlarmTransition) => void)[] = [];
  const taskCounts = new Map<string, { running: number; desired: number }>();
  const evaluator: AlarmEvaluator = createAlarmEvaluator({
    store,
    definitions: options.definitions ?? alarmDefinitions,
    dimensions: localAlarmDimensions,
    known: () => known,
    now,
    onChange: (key, transition) => listeners.forEach((listener) => listener(key, transition)),
  });
  let timer: NodeJS.Timeout | undefined;

  const reportTaskCount = (service: string, { running, desired }: { running: number; desired: number }) => {
    const dimensions = { ClusterName: localAlarmDimensions.ecsCluster, ServiceName: service };
    store.record({ namespace: TASK_COUNT_NAMESPACE, name: "RunningTaskCount", value: running, unit: "Count", dimensions });
    store.record({ namespace: TASK_COUNT_NAMESPACE, name: "DesiredTaskCount", value: desired, unit: "Count", dimensions });
  };

  return {
    store,
    ingestLine(line) {
      const datapoints = emfLineDatapoints(line);
      if (!datapoints) return false;
      for (const datapoint of datapoints) store.record(datapoint);
      return true;
    },
    record: (datapoint) => store.record(datapoint),
    recordRunning(service, running, desired) {
      taskCounts.set(service, { running, desired });
      reportTaskCount(service, { running, desired });
    },
    setKnown(name, value) {
      known[name] = value;
    },
    alarms() {
      evaluator.evaluate();
      return evaluator.statuses();
    },
    onAlarmChange(listener) {
      listeners.push(listener);
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        taskCounts.forEach((counts, service) => reportTaskCount(service, counts));
        evaluator.evaluate();
      }, TICK_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

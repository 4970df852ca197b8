/**
 * The local platform's CloudWatch: every process of `npm start` hands it its EMF documents (the services and workers
 * through their piped output, the in-process Lambda stand-ins through the routed stdout writer), collectors add what
 * AWS measures outside the code (the gateway's ALB metrics, PostgreSQL connections, Redis hit rate, running tasks),
 * and it evaluates the catalog's alarms over their local periods once each period ends.
 */
import { type AlarmDefinition, type AlarmKey, type RelativeThreshold, alarmDefinitions, albServices, localAlarmDimensions } from "@cloudcafe/catalog";
import { type AlarmEvaluator, type AlarmStatus, type AlarmTransition, createAlarmEvaluator } from "./alarm-evaluator.ts";
import { emfLineDatapoints } from "./emf.ts";
import { type Datapoint, type MetricStore, createMetricStore } from "./metric-store.ts";
import { sampleOncePerPeriod } from "./collectors/once-a-period.ts";

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
   * RunningTaskCount and DesiredTaskCount every period until the next call, as the agent reports them.
   */
  recordRunning(service: string, running: number, desired: number): void;
  /**
   * A service's healthy and unhealthy targets behind the gateway (its health checks), reported every period until the
   * next call as the load balancer's HealthyHostCount and UnHealthyHostCount: AWS/NetworkELB for the services behind
   * the NLB (loyalty), AWS/ApplicationELB for the others.
   */
  recordTargetHealth(service: string, healthy: number, unhealthy: number): void;
  /** A level (a queue's age, a pool's size): recorded now and every period until it is set again. */
  setGauge(datapoint: Omit<Datapoint, "timestamp">): void;
  /** A number a relative threshold needs (the local PostgreSQL's max_connections). */
  setKnown(name: RelativeThreshold["of"], value: number): void;
  /**
   * Runs `sample` (which sets gauges) at each tick, before the period's gauges are recorded, and before an evaluation
   * asked for now: a level that is looked up, not reported (the targets' health), without a timer of its own.
   */
  sampleEachPeriod(sample: () => void): void;
  /** Every alarm's state, evaluated now. */
  alarms(): AlarmStatus[];
  /** Called on every alarm state change. */
  onAlarmChange(listener: (key: AlarmKey, transition: AlarmTransition) => void): void;
  /** Starts evaluating once each period ends (and reporting the gauges); `stop` ends it. */
  start(): void;
  stop(): void;
}

export interface MetricsSinkOptions {
  readonly definitions?: Readonly<Partial<Record<AlarmKey, AlarmDefinition>>>;
  readonly now?: () => number;
}

/** How long after a period's end the sink ticks: the period's last datapoints are in. */
const TICK_AFTER_PERIOD_END_MS = 50;

export function createMetricsSink(options: MetricsSinkOptions = {}): MetricsSink {
  const now = options.now ?? Date.now;
  const store = createMetricStore({ now });
  const known: Partial<Record<RelativeThreshold["of"], number>> = {};
  const listeners: ((key: AlarmKey, transition: AlarmTransition) => void)[] = [];
  const gauges = new Map<string, Omit<Datapoint, "timestamp">>();
  const evaluator: AlarmEvaluator = createAlarmEvaluator({
    store,
    definitions: options.definitions ?? alarmDefinitions,
    dimensions: localAlarmDimensions,
    known: () => known,
    now,
    onChange: (key, transition) => listeners.forEach((listener) => listener(key, transition)),
  });
  let ticking: { stop(): void } | undefined;
  const samplers: (() => void)[] = [];

  const setGauge = (datapoint: Omit<Datapoint, "timestamp">) => {
    gauges.set(JSON.stringify([datapoint.namespace, datapoint.name, Object.entries(datapoint.dimensions ?? {}).sort()]), datapoint);
    store.record(datapoint);
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
      const dimensions = { ClusterName: localAlarmDimensions.ecsCluster, ServiceName: service };
      setGauge({ namespace: TASK_COUNT_NAMESPACE, name: "RunningTaskCount", value: running, unit: "Count", dimensions });
      setGauge({ namespace: TASK_COUNT_NAMESPACE, name: "DesiredTaskCount", value: desired, unit: "Count", dimensions });
    },
    recordTargetHealth(service, healthy, unhealthy) {
      const nlb = !(albServices as readonly string[]).includes(service);
      const namespace = nlb ? "AWS/NetworkELB" : "AWS/ApplicationELB";
      const dimensions = { LoadBalancer: nlb ? localAlarmDimensions.loyaltyLoadBalancer : localAlarmDimensions.loadBalancer, TargetGroup: service };
      setGauge({ namespace, name: "HealthyHostCount", value: healthy, unit: "Count", dimensions });
      setGauge({ namespace, name: "UnHealthyHostCount", value: unhealthy, unit: "Count", dimensions });
    },
    setGauge,
    setKnown(name, value) {
      known[name] = value;
    },
    sampleEachPeriod(sample) {
      samplers.push(sample);
      sample();
    },
    alarms() {
      samplers.forEach((sample) => sample());
      evaluator.evaluate();
      return evaluator.statuses();
    },
    onAlarmChange(listener) {
      listeners.push(listener);
    },
    start() {
      if (ticking) return;
      // Just after each period ends: the gauges' datapoint for the period starting, and the alarms over the one ended
      // (nothing in a period is complete before its end, so a tick in its middle would find nothing new).
      ticking = sampleOncePerPeriod(
        () => {
          samplers.forEach((sample) => sample());
          gauges.forEach((datapoint) => store.record(datapoint));
          evaluator.evaluate();
        },
        { offsetMs: TICK_AFTER_PERIOD_END_MS },
      );
    },
    stop() {
      ticking?.stop();
      ticking = undefined;
    },
  };
}

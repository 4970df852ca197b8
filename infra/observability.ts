/**
 * The architecture's six production alarms (created in every stage so chaos experiments have stop conditions) and the
 * platform's chaos guard, made from their definitions in the catalog (`packages/catalog/src/alarms.ts`), and the SNS
 * topic they notify (the dashboard is in dashboard.ts).
 */
import {
  type AlarmDefinition,
  type AlarmDimensionTarget,
  type AlarmKey,
  type AlarmMetric,
  type AlarmStatistic,
  type ArchitectureAlarmKey,
  PAYMENT_DURATION_GUARD,
  alarmDefinitions,
  alarmThreshold,
  architectureAlarms,
  platformAlarms,
} from "@cloudcafe/catalog";
import { pascalCase, stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";

/** The six, as the catalog defines them (thresholds, periods, missing data); the local sink evaluates the same data. */
export const ALARMS = architectureAlarms;
export { PAYMENT_DURATION_GUARD };

export function alarmTopic(key: PlatformKey) {
  return new aws.sns.Topic("AlarmTopic", { name: stageName("alarms"), kmsMasterKeyId: key.arn });
}

interface AlarmTargets {
  readonly albArnSuffix: $util.Input<string>;
  readonly databaseClusterId: $util.Input<string>;
  readonly databaseMaxConnections: number;
  readonly paymentFunctionName: $util.Input<string>;
  readonly ecsClusterName: $util.Input<string>;
  readonly ecsServiceName: $util.Input<string>;
  readonly cacheClusterId: $util.Input<string>;
}

/** The deployed resource each dimension of a definition names. */
function dimensionValues(targets: Omit<AlarmTargets, "databaseMaxConnections">): Partial<Record<AlarmDimensionTarget, $util.Input<string>>> {
  return {
    loadBalancer: targets.albArnSuffix,
    databaseCluster: targets.databaseClusterId,
    paymentFunction: targets.paymentFunctionName,
    ecsCluster: targets.ecsClusterName,
    ecsService: targets.ecsServiceName,
    cacheCluster: targets.cacheClusterId,
  };
}

type AlarmInputs = Pick<
  aws.cloudwatch.MetricAlarmArgs,
  "metricQueries" | "namespace" | "metricName" | "statistic" | "extendedStatistic" | "dimensions" | "period"
>;

const isPercentile = (statistic: AlarmStatistic) => /^p\d/.test(statistic);

/** The metric (or metric math) part of a CloudWatch alarm, from its catalog definition. */
export function measured(definition: AlarmDefinition, values: Partial<Record<AlarmDimensionTarget, $util.Input<string>>>): AlarmInputs {
  const value = (target: AlarmDimensionTarget) => {
    const found = values[target];
    if (found === undefined) throw new Error(`No deployed value for the alarm dimension ${target}`);
    return found;
  };
  const dimensions = (metric: AlarmMetric) =>
    metric.dimensions ? Object.fromEntries(Object.entries(metric.dimensions).map(([name, target]) => [name, value(target)])) : undefined;
  const { measure, periodSeconds } = definition;
  if ("metric" in measure) {
    const { metric } = measure;
    return {
      namespace: metric.namespace,
      metricName: metric.metricName,
      ...(isPercentile(metric.statistic) ? { extendedStatistic: metric.statistic } : { statistic: metric.statistic }),
      dimensions: dimensions(metric),
      period: periodSeconds,
    };
  }
  return {
    metricQueries: [
      ...Object.entries(measure.metrics).map(([id, metric]) => ({
        id,
        metric: { namespace: metric.namespace, metricName: metric.metricName, stat: metric.statistic, period: periodSeconds, dimensions: dimensions(metric) },
      })),
      { id: "value", expression: measure.expression, returnData: true },
    ],
  };
}

export function metricAlarm(topic: aws.sns.Topic, key: AlarmKey, threshold: number, inputs: AlarmInputs) {
  const definition = alarmDefinitions[key];
  return new aws.cloudwatch.MetricAlarm(`Alarm${pascalCase(key)}`, {
    name: stageName(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)),
    alarmDescription: definition.description,
    comparisonOperator: definition.comparison,
    threshold,
    treatMissingData: definition.treatMissingData,
    ...inputs,
    evaluationPeriods: definition.evaluationPeriods,
    datapointsToAlarm: definition.datapointsToAlarm,
    alarmActions: [topic.arn],
    okActions: [topic.arn],
  });
}

/** The architecture's six alarms, each from its catalog definition, notifying the alarm topic. */
export function alarms(topic: aws.sns.Topic, targets: AlarmTargets) {
  const values = dimensionValues(targets);
  const known = { databaseMaxConnections: targets.databaseMaxConnections };
  const make = (key: ArchitectureAlarmKey) => metricAlarm(topic, key, alarmThreshold(ALARMS[key], known), measured(ALARMS[key], values));
  return {
    alb5xxRate: make("alb5xxRate"),
    databaseConnections: make("databaseConnections"),
    dynamoUserErrors: make("dynamoUserErrors"),
    lambdaErrorRate: make("lambdaErrorRate"),
    ecsRunningBelowDesired: make("ecsRunningBelowDesired"),
    cacheHitRate: make("cacheHitRate"),
  };
}

export type Alarms = ReturnType<typeof alarms>;

/** The chaos guard of the Lambda delay experiment (catalog `platformAlarms.paymentDurationGuard`). */
export function paymentDurationGuard(topic: aws.sns.Topic, paymentFunctionName: $util.Input<string>, timeoutSeconds: number) {
  const definition = platformAlarms.paymentDurationGuard;
  const threshold = timeoutSeconds * 1000 * PAYMENT_DURATION_GUARD.shareOfTimeout;
  const inputs = measured(definition, { paymentFunction: paymentFunctionName });
  return metricAlarm(topic, "paymentDurationGuard", threshold, inputs);
}

/** The alarms chaos experiments can stop on: the architecture's six and the chaos guard. */
export type StopAlarms = Alarms & { readonly paymentDurationGuard: aws.cloudwatch.MetricAlarm };


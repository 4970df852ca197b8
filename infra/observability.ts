/**
 * The architecture's six production alarms (created in every stage so chaos experiments have stop conditions),
 * the SNS topic they notify, and a dashboard of the custom metrics.
 */
import { metricNamespaces } from "@cloudcafe/catalog";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";

const MINUTE = 60;

/** Threshold, comparison and how many consecutive one-minute periods breach before the alarm fires. */
export const ALARMS = {
  alb5xxRate: { threshold: 5, comparison: "GreaterThanThreshold", minutes: 5 },
  databaseConnections: { thresholdShare: 0.8, comparison: "GreaterThanThreshold", minutes: 10 },
  dynamoUserErrors: { threshold: 100, comparison: "GreaterThanThreshold", minutes: 5 },
  lambdaErrorRate: { threshold: 2, comparison: "GreaterThanThreshold", minutes: 5 },
  ecsRunningBelowDesired: { threshold: 0, comparison: "GreaterThanThreshold", minutes: 3 },
  cacheHitRate: { threshold: 70, comparison: "LessThanThreshold", minutes: 15 },
} as const;

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

const metric = (namespace: string, metricName: string, stat: string, dimensions?: Record<string, $util.Input<string>>) => ({
  metric: { namespace, metricName, stat, period: MINUTE, dimensions },
});

export function alarms(topic: aws.sns.Topic, targets: AlarmTargets) {
  const common = (minutes: number) => ({
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    alarmActions: [topic.arn],
    okActions: [topic.arn],
  });
  const alb5xxRate = new aws.cloudwatch.MetricAlarm("AlarmAlb5xxRate", {
    name: stageName("alb-5xx-rate"),
    alarmDescription: "ALB 5XX responses above 5% of requests for 5 minutes",
    comparisonOperator: ALARMS.alb5xxRate.comparison,
    threshold: ALARMS.alb5xxRate.threshold,
    treatMissingData: "notBreaching",
    metricQueries: [
      { id: "errors", ...metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", { LoadBalancer: targets.albArnSuffix }) },
      { id: "targetErrors", ...metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", { LoadBalancer: targets.albArnSuffix }) },
      { id: "requests", ...metric("AWS/ApplicationELB", "RequestCount", "Sum", { LoadBalancer: targets.albArnSuffix }) },
      { id: "rate", expression: "100 * (FILL(errors, 0) + FILL(targetErrors, 0)) / requests", label: "5XX %", returnData: true },
    ],
    ...common(ALARMS.alb5xxRate.minutes),
  });
  const databaseConnections = new aws.cloudwatch.MetricAlarm("AlarmDatabaseConnections", {
    name: stageName("database-connections"),
    alarmDescription: "Aurora connections above 80% of max_connections for 10 minutes",
    comparisonOperator: ALARMS.databaseConnections.comparison,
    threshold: Math.floor(targets.databaseMaxConnections * ALARMS.databaseConnections.thresholdShare),
    namespace: "AWS/RDS",
    metricName: "DatabaseConnections",
    statistic: "Maximum",
    period: MINUTE,
    dimensions: { DBClusterIdentifier: targets.databaseClusterId },
    treatMissingData: "missing",
    ...common(ALARMS.databaseConnections.minutes),
  });
  const dynamoUserErrors = new aws.cloudwatch.MetricAlarm("AlarmDynamoUserErrors", {
    name: stageName("dynamodb-user-errors"),
    alarmDescription: "DynamoDB UserErrors above 100 a minute for 5 minutes",
    comparisonOperator: ALARMS.dynamoUserErrors.comparison,
    threshold: ALARMS.dynamoUserErrors.threshold,
    namespace: "AWS/DynamoDB",
    metricName: "UserErrors",
    statistic: "Sum",
    period: MINUTE,
    treatMissingData: "notBreaching",
    ...common(ALARMS.dynamoUserErrors.minutes),
  });
  const lambdaErrorRate = new aws.cloudwatch.MetricAlarm("AlarmLambdaErrorRate", {
    name: stageName("payment-lambda-error-rate"),
    alarmDescription: "Payment processor errors above 2% of invocations for 5 minutes",
    comparisonOperator: ALARMS.lambdaErrorRate.comparison,
    threshold: ALARMS.lambdaErrorRate.threshold,
    treatMissingData: "notBreaching",
    metricQueries: [
      { id: "errors", ...metric("AWS/Lambda", "Errors", "Sum", { FunctionName: targets.paymentFunctionName }) },
      { id: "invocations", ...metric("AWS/Lambda", "Invocations", "Sum", { FunctionName: targets.paymentFunctionName }) },
      { id: "rate", expression: "100 * errors / invocations", label: "error %", returnData: true },
    ],
    ...common(ALARMS.lambdaErrorRate.minutes),
  });
  const ecsDimensions = { ClusterName: targets.ecsClusterName, ServiceName: targets.ecsServiceName };
  const ecsRunningBelowDesired = new aws.cloudwatch.MetricAlarm("AlarmEcsRunningBelowDesired", {
    name: stageName("ecs-running-below-desired"),
    alarmDescription: "Order service running tasks below desired for 3 minutes",
    comparisonOperator: ALARMS.ecsRunningBelowDesired.comparison,
    threshold: ALARMS.ecsRunningBelowDesired.threshold,
    treatMissingData: "breaching",
    metricQueries: [
      { id: "desired", ...metric("ECS/ContainerInsights", "DesiredTaskCount", "Average", ecsDimensions) },
      { id: "running", ...metric("ECS/ContainerInsights", "RunningTaskCount", "Average", ecsDimensions) },
      { id: "missing", expression: "desired - running", label: "tasks missing", returnData: true },
    ],
    ...common(ALARMS.ecsRunningBelowDesired.minutes),
  });
  const cacheHitRate = new aws.cloudwatch.MetricAlarm("AlarmCacheHitRate", {
    name: stageName("cache-hit-rate"),
    alarmDescription: "ElastiCache hit rate below 70% for 15 minutes",
    comparisonOperator: ALARMS.cacheHitRate.comparison,
    threshold: ALARMS.cacheHitRate.threshold,
    namespace: "AWS/ElastiCache",
    metricName: "CacheHitRate",
    statistic: "Average",
    period: MINUTE,
    dimensions: { CacheClusterId: targets.cacheClusterId },
    treatMissingData: "notBreaching",
    ...common(ALARMS.cacheHitRate.minutes),
  });
  return { alb5xxRate, databaseConnections, dynamoUserErrors, lambdaErrorRate, ecsRunningBelowDesired, cacheHitRate };
}

export type Alarms = ReturnType<typeof alarms>;

/** The custom metrics the services publish through EMF (architecture, "Custom Application Metrics"). */
export const DASHBOARD_METRICS = [
  [metricNamespaces.order, "CPUStressLevel"],
  [metricNamespaces.order, "OrderCreationDuration"],
  [metricNamespaces.inventory, "RestockCPU"],
  [metricNamespaces.menu, "SyncCPU"],
  [metricNamespaces.loyalty, "BatchJobCPU"],
] as const;

export function dashboard(region: string, alarmArns: $util.Input<string>[]) {
  return new aws.cloudwatch.Dashboard("Dashboard", {
    dashboardName: stageName("overview"),
    dashboardBody: $resolve(alarmArns).apply((arns) =>
      JSON.stringify({
        widgets: [
          ...DASHBOARD_METRICS.map(([namespace, metricName], i) => ({
            type: "metric",
            x: (i % 3) * 8,
            y: Math.floor(i / 3) * 6,
            width: 8,
            height: 6,
            properties: {
              title: `${namespace}/${metricName}`,
              region,
              view: "timeSeries",
              stat: "Average",
              period: MINUTE,
              // EMF metrics carry a `service` dimension (packages/observability); SEARCH finds every value of it.
              metrics: [[{ id: "m", expression: `SEARCH('{${namespace},service} MetricName="${metricName}"', 'Average', ${MINUTE})` }]],
            },
          })),
          {
            type: "alarm",
            x: 0,
            y: 12,
            width: 24,
            height: 4,
            properties: { title: "Alarms", alarms: arns },
          },
        ],
      }),
    ),
  });
}

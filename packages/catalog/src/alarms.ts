/**
 * The alarms, as data: the architecture's six and the platform's own chaos guard. `infra/observability.ts` makes a
 * CloudWatch alarm of each; `npm start`'s metrics sink (packages/local/src/observability) evaluates the same
 * definitions on what the local processes report, over short local periods, so an alarm reacts in seconds on a laptop.
 */
import { faultAlarms, type FaultAlarmKey } from "./fault-alarms.ts";
import { eventSourceMappings } from "./functions.ts";
import { queues } from "./messaging.ts";
import { metricNamespaces } from "./metrics.ts";

/** CloudWatch statistics the alarms use; `pNN` is a percentile (an extended statistic). */
export type AlarmStatistic = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount" | `p${number}`;

/**
 * What a dimension's value names. The definitions (and the fault registry's signals) hold the role, never a name:
 * `infra/` fills in the deployed resource's name or ARN suffix, the local sink its local stand-in
 * (`localAlarmDimensions`).
 */
export type AlarmDimensionTarget =
  | "loadBalancer"
  | "databaseCluster"
  | "paymentFunction"
  | "ecsCluster"
  | "ecsService"
  | "menuDeployment"
  | "inventoryDeployment"
  | "cacheCluster"
  | "paymentQueue"
  | "loyaltyLoadBalancer"
  | "loyaltyTargetGroup"
  | "dynamoDbClientService"
  | "inventoryService"
  | "menuService";

/** A metric's dimensions by role: each dimension's name and what its value names. */
export type DimensionRoles = Readonly<Record<string, AlarmDimensionTarget>>;

/**
 * The series of one resource, by role: what its alarms read and what a fault aimed at it must move (the fault
 * registry's signals, faults.ts), so that both select the same series.
 */
export const resourceDimensions = {
  orderServiceTasks: { ClusterName: "ecsCluster", ServiceName: "ecsService" },
  // The pods' copies: locally the sink reports every supervised service's as ECS task counts (deployed, Container
  // Insights for EKS counts pods under its own namespace and names; only the local game day reads these two).
  menuPods: { ServiceName: "menuDeployment" },
  inventoryPods: { ServiceName: "inventoryDeployment" },
  paymentFunction: { FunctionName: "paymentFunction" },
  paymentQueue: { QueueName: "paymentQueue" },
  loyaltyTargets: { LoadBalancer: "loyaltyLoadBalancer", TargetGroup: "loyaltyTargetGroup" },
} as const satisfies Record<string, DimensionRoles>;

/**
 * The `service` dimension of the application metrics an alarm reads (EMF, `packages/observability`): the code sets
 * it, so it is the same deployed and local.
 */
export const metricServices = {
  dynamoDbClientService: "dynamodb-client",
  inventoryService: "inventory-service",
  menuService: "menu-service",
} as const;

export interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: AlarmStatistic;
  readonly dimensions?: DimensionRoles;
}

/** One metric, or CloudWatch metric math over several (`+ - * /`, parentheses, numbers and `FILL(id, value)`). */
export type AlarmMeasure =
  | { readonly metric: AlarmMetric }
  | { readonly expression: string; readonly metrics: Readonly<Record<string, AlarmMetric>> };

/** A threshold that depends on the deployment: a share of a number only the stage (or the local engine) knows. */
export interface RelativeThreshold {
  readonly share: number;
  readonly of: "databaseMaxConnections";
}

export type AlarmComparison = "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
export type MissingDataTreatment = "notBreaching" | "breaching" | "missing" | "ignore";

export interface AlarmDefinition {
  readonly description: string;
  readonly measure: AlarmMeasure;
  readonly threshold: number | RelativeThreshold;
  readonly comparison: AlarmComparison;
  /** CloudWatch's period; every alarm here is "for N minutes": N consecutive one-minute periods breaching. */
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: MissingDataTreatment;
  /** What the measured value is, for people reading it (the console's axis). */
  readonly unit: "Percent" | "Count" | "Milliseconds" | "Seconds";
  /**
   * How the local sink evaluates it: the same number of periods, each `periodSeconds` long (a minute becomes two
   * seconds), so "for 5 minutes" is 10 s on a laptop. A threshold that counts events per period is scaled with the
   * period (`threshold`), so the same rate alarms; a rate or a level keeps its threshold.
   */
  readonly local: { readonly periodSeconds: number; readonly threshold?: number };
}

const MINUTE = 60;
/** A minute of CloudWatch is this many seconds of the local sink. */
export const LOCAL_PERIOD_SECONDS = 2;
const forMinutes = (minutes: number) => ({ periodSeconds: MINUTE, evaluationPeriods: minutes, datapointsToAlarm: minutes });
const local = { periodSeconds: LOCAL_PERIOD_SECONDS };

/** The architecture's six production alarms, created in every stage so chaos experiments have stop conditions. */
export const architectureAlarms = {
  alb5xxRate: {
    description: "ALB 5XX responses above 5% of requests for 5 minutes",
    measure: {
      expression: "100 * (FILL(errors, 0) + FILL(targetErrors, 0)) / requests",
      metrics: {
        errors: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", statistic: "Sum", dimensions: { LoadBalancer: "loadBalancer" } },
        targetErrors: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", statistic: "Sum", dimensions: { LoadBalancer: "loadBalancer" } },
        requests: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", statistic: "Sum", dimensions: { LoadBalancer: "loadBalancer" } },
      },
    },
    threshold: 5,
    comparison: "GreaterThanThreshold",
    ...forMinutes(5),
    treatMissingData: "notBreaching",
    unit: "Percent",
    local,
  },
  databaseConnections: {
    description: "Aurora connections above 80% of max_connections for 10 minutes",
    measure: { metric: { namespace: "AWS/RDS", metricName: "DatabaseConnections", statistic: "Maximum", dimensions: { DBClusterIdentifier: "databaseCluster" } } },
    threshold: { share: 0.8, of: "databaseMaxConnections" },
    comparison: "GreaterThanThreshold",
    ...forMinutes(10),
    treatMissingData: "missing",
    unit: "Count",
    local,
  },
  dynamoUserErrors: {
    description: "DynamoDB UserErrors above 100 a minute for 5 minutes",
    measure: { metric: { namespace: "AWS/DynamoDB", metricName: "UserErrors", statistic: "Sum" } },
    threshold: 100,
    comparison: "GreaterThanThreshold",
    ...forMinutes(5),
    treatMissingData: "notBreaching",
    unit: "Count",
    // A count per period: 100 a minute is the same rate as 100 * 2 / 60 (3.3) in two seconds.
    local: { ...local, threshold: (100 * LOCAL_PERIOD_SECONDS) / MINUTE },
  },
  lambdaErrorRate: {
    description: "Payment processor errors above 2% of invocations for 5 minutes",
    measure: {
      expression: "100 * errors / invocations",
      metrics: {
        errors: { namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", dimensions: resourceDimensions.paymentFunction },
        invocations: { namespace: "AWS/Lambda", metricName: "Invocations", statistic: "Sum", dimensions: resourceDimensions.paymentFunction },
      },
    },
    threshold: 2,
    comparison: "GreaterThanThreshold",
    ...forMinutes(5),
    treatMissingData: "notBreaching",
    unit: "Percent",
    local,
  },
  ecsRunningBelowDesired: {
    description: "Order service running tasks below desired for 3 minutes",
    measure: {
      expression: "desired - running",
      metrics: {
        desired: { namespace: "ECS/ContainerInsights", metricName: "DesiredTaskCount", statistic: "Average", dimensions: resourceDimensions.orderServiceTasks },
        running: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", statistic: "Average", dimensions: resourceDimensions.orderServiceTasks },
      },
    },
    threshold: 0,
    comparison: "GreaterThanThreshold",
    ...forMinutes(3),
    // Missing Container Insights data means no tasks report: that is the failure this alarm is for.
    treatMissingData: "breaching",
    unit: "Count",
    local,
  },
  cacheHitRate: {
    description: "ElastiCache hit rate below 70% for 15 minutes",
    measure: { metric: { namespace: "AWS/ElastiCache", metricName: "CacheHitRate", statistic: "Average", dimensions: { CacheClusterId: "cacheCluster" } } },
    threshold: 70,
    comparison: "LessThanThreshold",
    ...forMinutes(15),
    treatMissingData: "notBreaching",
    unit: "Percent",
    local,
  },
} as const satisfies Record<string, AlarmDefinition>;

/**
 * Not one of the architecture's six: the stop condition of the Lambda invocation-delay experiment (infra/chaos.ts). A
 * delay slows the payment processor without failing it, so its error-rate alarm would only fire once the delay had
 * already turned into timeouts (then SQS retries, then the DLQ: failed payments). Lambda's Duration includes the
 * injected delay, so p99 above half the 30 s timeout for 3 minutes stops the experiment while invocations still
 * succeed. A batch normally takes a few seconds, so the 3 s delay alone should stay well below it (not yet measured
 * in AWS); crossing it means the delay compounds with something else.
 */
export const PAYMENT_DURATION_GUARD = { extendedStatistic: "p99", shareOfTimeout: 0.5, minutes: 3 } as const;

/** The platform's own alarms, beside the architecture's. */
export const platformAlarms = {
  paymentDurationGuard: {
    description: `Payment processor p99 duration above ${PAYMENT_DURATION_GUARD.shareOfTimeout * 100}% of its timeout for ${PAYMENT_DURATION_GUARD.minutes} minutes (chaos guard)`,
    measure: {
      metric: { namespace: "AWS/Lambda", metricName: "Duration", statistic: PAYMENT_DURATION_GUARD.extendedStatistic, dimensions: resourceDimensions.paymentFunction },
    },
    threshold: eventSourceMappings.paymentProcessor.timeoutSeconds * 1000 * PAYMENT_DURATION_GUARD.shareOfTimeout,
    comparison: "GreaterThanThreshold",
    ...forMinutes(PAYMENT_DURATION_GUARD.minutes),
    treatMissingData: "notBreaching",
    unit: "Milliseconds",
    local,
  },
} as const satisfies Record<string, AlarmDefinition>;

/**
 * The fault registry's own alarms (packages/catalog fault-alarms.ts: description, threshold, comparison, minutes),
 * with what they measure, so the local sink evaluates them like the six. infra/chaos-alarms.ts deploys them.
 */
function registryAlarm(key: FaultAlarmKey, measure: AlarmMeasure, unit: AlarmDefinition["unit"], localThreshold?: number): AlarmDefinition {
  const { description, threshold, comparison, minutes } = faultAlarms[key];
  return {
    description,
    measure,
    threshold,
    comparison,
    ...forMinutes(minutes),
    treatMissingData: "notBreaching",
    unit,
    local: localThreshold === undefined ? local : { ...local, threshold: localThreshold },
  };
}

export const registryAlarms = {
  alb4xxRate: registryAlarm(
    "alb4xxRate",
    {
      expression: "100 * FILL(errors, 0) / requests",
      metrics: {
        errors: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_4XX_Count", statistic: "Sum", dimensions: { LoadBalancer: "loadBalancer" } },
        requests: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", statistic: "Sum", dimensions: { LoadBalancer: "loadBalancer" } },
      },
    },
    "Percent",
  ),
  // An age is time: 2 minutes of CloudWatch is 4 s of the local sink, as its periods are.
  paymentQueueAge: registryAlarm(
    "paymentQueueAge",
    { metric: { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", statistic: "Maximum", dimensions: resourceDimensions.paymentQueue } },
    "Seconds",
    (faultAlarms.paymentQueueAge.threshold * LOCAL_PERIOD_SECONDS) / MINUTE,
  ),
  loyaltyUnhealthyHosts: registryAlarm(
    "loyaltyUnhealthyHosts",
    {
      metric: {
        namespace: "AWS/NetworkELB",
        metricName: "UnHealthyHostCount",
        statistic: "Maximum",
        dimensions: resourceDimensions.loyaltyTargets,
      },
    },
    "Count",
  ),
  dynamoThrottledRequests: registryAlarm(
    "dynamoThrottledRequests",
    { metric: { namespace: metricNamespaces.platform, metricName: "DynamoDBThrottles", statistic: "Sum", dimensions: { service: "dynamoDbClientService" } } },
    "Count",
  ),
  memoryDbUnreachable: registryAlarm(
    "memoryDbUnreachable",
    { metric: { namespace: metricNamespaces.inventory, metricName: "RateLimiterUnavailable", statistic: "Sum", dimensions: { service: "inventoryService" } } },
    "Count",
  ),
  cacheMissStorm: registryAlarm(
    "cacheMissStorm",
    { metric: { namespace: "AWS/ElastiCache", metricName: "CacheHitRate", statistic: "Average", dimensions: { CacheClusterId: "cacheCluster" } } },
    "Percent",
  ),
  documentDbErrors: registryAlarm(
    "documentDbErrors",
    { metric: { namespace: metricNamespaces.menu, metricName: "DocumentDbErrors", statistic: "Sum", dimensions: { service: "menuService" } } },
    "Count",
  ),
} satisfies Record<FaultAlarmKey, AlarmDefinition>;

export type ArchitectureAlarmKey = keyof typeof architectureAlarms;
export type AlarmKey = ArchitectureAlarmKey | keyof typeof platformAlarms | FaultAlarmKey;
/** Every alarm the platform raises: what chaos experiments stop on and what the local sink evaluates. */
export const alarmDefinitions: Readonly<Record<AlarmKey, AlarmDefinition>> = { ...architectureAlarms, ...platformAlarms, ...registryAlarms };

/** The metrics an alarm reads, by the id its expression uses (`value` for a single metric). */
export function alarmMetrics(definition: AlarmDefinition): Readonly<Record<string, AlarmMetric>> {
  return "metric" in definition.measure ? { value: definition.measure.metric } : definition.measure.metrics;
}

/** The threshold, given the numbers a relative threshold needs. */
export function alarmThreshold(definition: AlarmDefinition, known: Readonly<Record<RelativeThreshold["of"], number>>): number {
  const { threshold } = definition;
  return typeof threshold === "number" ? threshold : Math.floor(known[threshold.of] * threshold.share);
}

/** The dimension values of the local platform's stand-ins. */
export const localAlarmDimensions: Readonly<Record<AlarmDimensionTarget, string>> = {
  loadBalancer: "local-gateway",
  databaseCluster: "local",
  paymentFunction: eventSourceMappings.paymentProcessor.name,
  ecsCluster: "local",
  ecsService: "order",
  menuDeployment: "menu",
  inventoryDeployment: "inventory",
  cacheCluster: "local",
  paymentQueue: queues.paymentProcessing.name,
  loyaltyLoadBalancer: "local-nlb",
  loyaltyTargetGroup: "loyalty",
  ...metricServices,
};

/** Dimensions by role with one place's values (the local stand-ins', or the deployed resources'). */
export function resolveDimensions(roles: DimensionRoles | undefined, values: Readonly<Record<AlarmDimensionTarget, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(roles ?? {}).map(([name, role]) => [name, values[role]]));
}

/**
 * The fault registry's own alarms (packages/catalog fault-alarms.ts), beside the architecture's six
 * (observability.ts): each notifies the alarm topic and may stop an FIS experiment.
 */
import { faultAlarms, type FaultAlarmKey } from "@cloudcafe/catalog";
import { pascalCase, stageName } from "./naming.ts";

const MINUTE = 60;

interface FaultAlarmTargets {
  readonly albArnSuffix: $util.Input<string>;
  readonly paymentQueueName: $util.Input<string>;
  readonly loyaltyNlbArnSuffix: $util.Input<string>;
  readonly loyaltyTargetGroupArnSuffix: $util.Input<string>;
}

const sum = (namespace: string, metricName: string, dimensions: Record<string, $util.Input<string>>) => ({
  metric: { namespace, metricName, stat: "Sum", period: MINUTE, dimensions },
});

export function faultRegistryAlarms(topic: aws.sns.Topic, targets: FaultAlarmTargets) {
  const alarm = (key: FaultAlarmKey, measured: Partial<aws.cloudwatch.MetricAlarmArgs>) => {
    const { description, threshold, comparison, minutes } = faultAlarms[key];
    return new aws.cloudwatch.MetricAlarm(`Alarm${pascalCase(key)}`, {
      name: stageName(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)),
      alarmDescription: description,
      comparisonOperator: comparison,
      threshold,
      treatMissingData: "notBreaching",
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      alarmActions: [topic.arn],
      okActions: [topic.arn],
      ...measured,
    });
  };
  const alb = { LoadBalancer: targets.albArnSuffix };
  return {
    alb4xxRate: alarm("alb4xxRate", {
      metricQueries: [
        { id: "errors", ...sum("AWS/ApplicationELB", "HTTPCode_ELB_4XX_Count", alb) },
        { id: "requests", ...sum("AWS/ApplicationELB", "RequestCount", alb) },
        { id: "value", expression: "100 * FILL(errors, 0) / requests", returnData: true },
      ],
    }),
    paymentQueueAge: alarm("paymentQueueAge", {
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      statistic: "Maximum",
      period: MINUTE,
      dimensions: { QueueName: targets.paymentQueueName },
    }),
    loyaltyUnhealthyHosts: alarm("loyaltyUnhealthyHosts", {
      namespace: "AWS/NetworkELB",
      metricName: "UnHealthyHostCount",
      statistic: "Maximum",
      period: MINUTE,
      dimensions: { LoadBalancer: targets.loyaltyNlbArnSuffix, TargetGroup: targets.loyaltyTargetGroupArnSuffix },
    }),
  };
}

export type FaultRegistryAlarms = ReturnType<typeof faultRegistryAlarms>;

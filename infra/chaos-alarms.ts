/**
 * The fault registry's own alarms (`registryAlarms` in packages/catalog alarms.ts), beside the architecture's six
 * (observability.ts) and built the same way from their catalog definitions: each notifies the alarm topic and may
 * stop an FIS experiment.
 */
import { type FaultAlarmKey, faultAlarms, metricServices, registryAlarms } from "@cloudcafe/catalog";
import { measured, metricAlarm } from "./observability.ts";

interface FaultAlarmTargets {
  readonly albArnSuffix: $util.Input<string>;
  readonly paymentQueueName: $util.Input<string>;
  readonly loyaltyNlbArnSuffix: $util.Input<string>;
  readonly loyaltyTargetGroupArnSuffix: $util.Input<string>;
  readonly cacheClusterId: $util.Input<string>;
}

export function faultRegistryAlarms(topic: aws.sns.Topic, targets: FaultAlarmTargets) {
  const values = {
    loadBalancer: targets.albArnSuffix,
    paymentQueue: targets.paymentQueueName,
    loyaltyLoadBalancer: targets.loyaltyNlbArnSuffix,
    loyaltyTargetGroup: targets.loyaltyTargetGroupArnSuffix,
    cacheCluster: targets.cacheClusterId,
    // The services' own metrics, by the `service` their code writes (the same in every stage).
    ...metricServices,
  };
  const make = (key: FaultAlarmKey) => metricAlarm(topic, key, faultAlarms[key].threshold, measured(registryAlarms[key], values));
  return {
    alb4xxRate: make("alb4xxRate"),
    paymentQueueAge: make("paymentQueueAge"),
    loyaltyUnhealthyHosts: make("loyaltyUnhealthyHosts"),
    dynamoThrottledRequests: make("dynamoThrottledRequests"),
    memoryDbUnreachable: make("memoryDbUnreachable"),
    cacheMissStorm: make("cacheMissStorm"),
    documentDbErrors: make("documentDbErrors"),
  };
}

export type FaultRegistryAlarms = ReturnType<typeof faultRegistryAlarms>;

/**
 * Alarms the fault registry needs beyond the architecture's six: the signals of scenarios none of those six sees
 * (a deleted ALB rule answers 4XX, a throttled payment processor leaves its queue ageing, a terminated loyalty
 * instance shows as an unhealthy NLB target) and the dependency failures the services absorb without a customer
 * noticing (throttling the SDK retries through, MemoryDB or DocumentDB gone behind a fallback or a cache), which only
 * the services' own metrics (EMF, by their `service` dimension) show. Deployed as CloudWatch alarms (infra/chaos-alarms.ts), stop conditions
 * of the FIS experiments that name them, and evaluated locally like the six.
 */
export interface FaultAlarmSpec {
  readonly description: string;
  readonly threshold: number;
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
  /** Consecutive one-minute periods breaching before it fires. */
  readonly minutes: number;
}

export const faultAlarms = {
  alb4xxRate: {
    description: "ALB-generated 4XX responses (no rule matched: the listener's default action) above 5% of requests for 2 minutes",
    threshold: 5,
    comparison: "GreaterThanThreshold",
    minutes: 2,
  },
  paymentQueueAge: {
    description: "Oldest message in the payment processing queue older than 2 minutes, for 3 minutes",
    threshold: 120,
    comparison: "GreaterThanThreshold",
    minutes: 3,
  },
  loyaltyUnhealthyHosts: {
    description: "An unhealthy loyalty target behind the NLB for 2 minutes",
    threshold: 0,
    comparison: "GreaterThanThreshold",
    minutes: 2,
  },
  dynamoThrottledRequests: {
    description: "DynamoDB requests throttled, as the services' SDK clients count them (each attempt, before the SDK's retries), in 2 consecutive minutes",
    threshold: 0,
    comparison: "GreaterThanThreshold",
    minutes: 2,
  },
  memoryDbUnreachable: {
    description: "The inventory service cannot reach MemoryDB (reservations pass without their rate limit check) in a minute",
    threshold: 0,
    comparison: "GreaterThanThreshold",
    minutes: 1,
  },
  // The architecture's cacheHitRate waits 15 minutes, longer than a flush's rebuild (5-10): a storm of misses, from a
  // flush or from evictions, is a shorter dip that this one sees.
  cacheMissStorm: {
    description: "ElastiCache hit rate below 70% in 2 consecutive minutes (a miss storm: the cache flushed or evicting its working set)",
    threshold: 70,
    comparison: "LessThanThreshold",
    minutes: 2,
  },
  documentDbErrors: {
    description: "The menu service's DocumentDB operations or driver heartbeats fail in 2 consecutive minutes",
    threshold: 0,
    comparison: "GreaterThanThreshold",
    minutes: 2,
  },
} as const satisfies Record<string, FaultAlarmSpec>;

export type FaultAlarmKey = keyof typeof faultAlarms;

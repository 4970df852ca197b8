/**
 * The fault registry: one entry per failure scenario of the architecture ("Chaos Engineering": network, compute,
 * database and cache failures), each with how it is caused locally and in AWS, what it must visibly move, how the
 * platform is expected to recover, and its limits. The local control plane (packages/local/src/chaos), the game day
 * (`npm run gameday`), the console's faults panel and the FIS templates (infra/chaos.ts) all read it here.
 */
import { type DimensionRoles, resourceDimensions } from "./alarms.ts";
import { queues } from "./messaging.ts";
import { metricNamespaces } from "./metrics.ts";

export type FaultCategory = "network" | "compute" | "database" | "cache";

/**
 * How the fault is caused in AWS:
 * - `fis`: an AWS FIS experiment template with this action (infra/chaos.ts builds one per entry);
 * - `fis-automation`: FIS runs an SSM Automation runbook of the platform's (`aws:ssm:start-automation-execution`),
 *   for a control-plane change FIS has no action for; the runbook undoes the change at its end or when cancelled;
 * - `application`: FIS has no such action: the deployed code reads the fault from the stage's fault parameter (SSM
 *   Parameter Store, `CLOUDCAFE_FAULTS_PARAMETER`) and misbehaves as told, as it does locally.
 */
export type AwsFaultMechanism =
  | { readonly kind: "fis"; readonly actionId: string; readonly experiment: string }
  | { readonly kind: "fis-automation"; readonly runbook: string; readonly experiment: string; readonly api: readonly string[] }
  | { readonly kind: "application"; readonly reads: string };

/**
 * A metric a fault must move. `dimensions` (by role, resolved as the alarms' are) keeps only the series that have
 * them (a subset match), for a metric with a series per service, queue or function when the fault aims at one:
 * merged with the rest, the order service's drop from 2 copies to 1 hides among the single-copy services' 1s.
 */
export interface SignalMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions?: DimensionRoles;
}

/** What a fault must move: the metrics and the alarm that must fire (a key of the alarm catalog). */
export interface FaultSignals {
  readonly metrics: readonly SignalMetric[];
  readonly alarm: string;
}

export interface ExpectedRecovery {
  /** The mechanism and duration in AWS, from the architecture's recovery table where it has the row. */
  readonly aws: string;
  /** Seconds, or "manual" when an operator must act (re-apply the stack). */
  readonly awsSeconds: readonly [number, number] | "manual";
  /** What recovers it locally and how long that takes. */
  readonly local: string;
  readonly localSeconds: number;
}

export interface FaultSpec {
  readonly category: FaultCategory;
  readonly title: string;
  /** What stops working, as a user of the platform would notice it. */
  readonly breaks: string;
  /** One active fault per target at a time. */
  readonly target: string;
  /** How the local platform causes it. */
  readonly local: string;
  readonly aws: AwsFaultMechanism;
  readonly signals: FaultSignals;
  readonly expectedRecovery: ExpectedRecovery;
  /** The alarm (alarm catalog key) that stops the fault early: an FIS stop condition, the local control plane's too. */
  readonly stopAlarm: string;
  /** Hard cap on the fault's duration; a longer TTL is refused. */
  readonly maxDurationSeconds: number;
  readonly defaultDurationSeconds: number;
  /** What else it touches, so an operator knows what to watch. */
  readonly blastRadius: string;
}

/** Where the signals are: the services' own namespaces and the AWS ones the local sink measures as AWS does. */
const ns = {
  alb: "AWS/ApplicationELB",
  nlb: "AWS/NetworkELB",
  containers: "ECS/ContainerInsights",
  lambda: "AWS/Lambda",
  sqs: "AWS/SQS",
  cache: "AWS/ElastiCache",
  payment: metricNamespaces.payment,
  inventory: metricNamespaces.inventory,
  menu: metricNamespaces.menu,
  platform: metricNamespaces.platform,
} as const;

export const faults = {
  "alb-rule-deletion": {
    category: "network",
    title: "ALB routing rule deletion",
    breaks: "Every /api/orders request falls through to the listener's default action (403): nobody can order",
    target: "gateway:order",
    local: "The gateway drops the order service's path rule, so order paths answer the listener default's 403",
    aws: {
      kind: "fis-automation",
      runbook: "DeleteListenerRule",
      experiment: "alb-rule-deletion",
      api: ["elasticloadbalancing:DeleteRule"],
    },
    signals: { metrics: [{ namespace: ns.alb, name: "HTTPCode_ELB_4XX_Count" }], alarm: "alb4xxRate" },
    expectedRecovery: {
      aws: "Re-apply the stack (`sst deploy --stage <stage>` recreates the rule); the architecture's table: manual",
      awsSeconds: "manual",
      local: "Reverting re-adds the rule, as the re-apply does",
      localSeconds: 1,
    },
    stopAlarm: "alb4xxRate",
    maxDurationSeconds: 300,
    defaultDurationSeconds: 30,
    blastRadius: "Order API only: menu, inventory, loyalty and analytics routes keep working; queued payments continue",
  },
  "sg-ingress-revocation": {
    category: "network",
    title: "Security group ingress revocation",
    breaks: "The load balancer cannot reach the order service's tasks: order requests time out (504) or fail (502)",
    target: "network:order",
    local: "The gateway black-holes the order service's targets: its connections to them hang until its timeout",
    aws: {
      kind: "fis-automation",
      runbook: "RevokeServiceIngress",
      experiment: "sg-ingress-revocation",
      api: ["ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"],
    },
    signals: { metrics: [{ namespace: ns.alb, name: "HTTPCode_ELB_5XX_Count" }], alarm: "alb5xxRate" },
    expectedRecovery: {
      aws: "The runbook re-authorizes the rule at its end or when FIS stops it; otherwise re-apply the stack",
      awsSeconds: [30, 60],
      local: "Reverting lets the gateway reach the targets again; health checks mark them healthy",
      localSeconds: 10,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 180,
    defaultDurationSeconds: 30,
    blastRadius: "Order API; the outbox relay and payments inside the VPC keep running",
  },
  "nat-gateway-failure": {
    category: "network",
    title: "NAT gateway failure",
    breaks: "Calls out of the VPC to the external payment gateway fail: payments are not captured until it is back",
    target: "egress:payment-gateway",
    local: "The payment processor's gateway adapter fails every call as a connect timeout",
    aws: { kind: "application", reads: "The payment processor's gateway adapter, from the fault parameter" },
    // A failed capture is a failed item of a partial batch response, not a failed invocation: Lambda's Errors (and the
    // error-rate alarm) do not count it. What shows is the queue: the messages come back and grow old.
    signals: {
      metrics: [
        { namespace: ns.payment, name: "PaymentGatewayErrors" },
        { namespace: ns.sqs, name: "ApproximateAgeOfOldestMessage", dimensions: resourceDimensions.paymentQueue },
      ],
      alarm: "paymentQueueAge",
    },
    expectedRecovery: {
      aws: "SQS makes the failed messages visible again; payments succeed once egress is back (3 receives, then the DLQ and a redrive)",
      awsSeconds: [60, 300],
      // As deployed: a failed item is retried once its visibility timeout ends, so that bounds the recovery here too.
      local: `The same queue retries each failed payment once its ${queues.paymentProcessing.visibilityTimeoutSeconds} s visibility timeout ends; reverting lets the retries through`,
      localSeconds: queues.paymentProcessing.visibilityTimeoutSeconds + 20,
    },
    stopAlarm: "paymentQueueAge",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 20,
    blastRadius: "Payments only: orders are still accepted and wait PENDING; nothing is charged twice (idempotent captures)",
  },
  "ecs-task-termination": {
    category: "compute",
    title: "ECS task termination (50% capacity)",
    breaks: "Half of the order service's tasks die at once",
    target: "service:order",
    local: "The supervisor's order replicas: half are killed (SIGKILL); the supervisor starts them again",
    aws: { kind: "fis", actionId: "aws:ecs:stop-task", experiment: "ecs-task-stop" },
    signals: { metrics: [{ namespace: ns.containers, name: "RunningTaskCount", dimensions: resourceDimensions.orderServiceTasks }], alarm: "ecsRunningBelowDesired" },
    expectedRecovery: {
      aws: "ECS replaces the tasks; the ALB routes to the healthy half meanwhile",
      awsSeconds: [60, 90],
      local: "The supervisor restarts the replica; the gateway routes to the healthy one",
      localSeconds: 10,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 15,
    blastRadius: "Order service capacity halves; no request may fail (the other half serves)",
  },
  "eks-node-drain": {
    category: "compute",
    title: "EKS node drain",
    breaks: "Menu and inventory pods are evicted and rescheduled",
    target: "nodes:eks",
    local: "The menu and inventory processes get SIGTERM (eviction) and are started again after a reschedule delay",
    aws: { kind: "fis", actionId: "aws:eks:terminate-nodegroup-instances", experiment: "eks-node-terminate" },
    signals: {
      metrics: [
        { namespace: ns.containers, name: "RunningTaskCount", dimensions: resourceDimensions.menuPods },
        { namespace: ns.containers, name: "RunningTaskCount", dimensions: resourceDimensions.inventoryPods },
        { namespace: ns.alb, name: "HTTPCode_ELB_5XX_Count" },
      ],
      alarm: "alb5xxRate",
    },
    expectedRecovery: {
      aws: "Kubernetes reschedules the pods on the remaining nodes; the managed node group replaces the node",
      awsSeconds: [30, 120],
      local: "The supervisor starts the processes again",
      localSeconds: 15,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 15,
    blastRadius: "Menu and inventory; orders price from the menu cache and reserve stock when inventory is back",
  },
  "ec2-instance-termination": {
    category: "compute",
    title: "EC2 instance termination",
    breaks: "The loyalty instance and the analytics worker instance die",
    target: "instances:ec2",
    local: "The loyalty service and the analytics worker are killed (SIGKILL) and started again after a replacement delay",
    aws: { kind: "fis", actionId: "aws:ec2:terminate-instances", experiment: "ec2-terminate" },
    signals: { metrics: [{ namespace: ns.nlb, name: "UnHealthyHostCount", dimensions: resourceDimensions.loyaltyTargets }], alarm: "loyaltyUnhealthyHosts" },
    expectedRecovery: {
      aws: "The Auto Scaling group launches a replacement; the analytics worker resumes from its checkpoints",
      awsSeconds: [120, 300],
      local: "The supervisor starts both again; accrual messages wait in their queue; the worker resumes from its leases",
      localSeconds: 20,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 180,
    defaultDurationSeconds: 20,
    blastRadius: "Loyalty reads and analytics freshness; orders and payments are unaffected",
  },
  "lambda-throttling": {
    category: "compute",
    title: "Lambda throttling",
    breaks: "The payment processor cannot run: payments wait in the FIFO queue",
    target: "function:payment-processor",
    local: "The local event source treats the payment processor as throttled: its messages stay in the queue",
    aws: {
      kind: "fis-automation",
      runbook: "ThrottleFunction",
      experiment: "lambda-throttling",
      api: ["lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency"],
    },
    signals: {
      metrics: [
        { namespace: ns.lambda, name: "Throttles", dimensions: resourceDimensions.paymentFunction },
        { namespace: ns.sqs, name: "ApproximateAgeOfOldestMessage", dimensions: resourceDimensions.paymentQueue },
      ],
      alarm: "paymentQueueAge",
    },
    expectedRecovery: {
      aws: "Concurrency restored; the mapping scales up again (the architecture: concurrent execution ramp, gradual)",
      awsSeconds: [60, 300],
      local: "Reverting lets the poller invoke again and the backlog drains",
      localSeconds: 30,
    },
    stopAlarm: "paymentQueueAge",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 20,
    blastRadius: "Payments are delayed, not lost; orders stay PENDING until it drains",
  },
  "aurora-failover": {
    category: "database",
    title: "RDS Aurora failover",
    breaks: "Every database connection drops and new ones are refused until the new writer is up",
    target: "database:aurora",
    local: "The platform database's connections are terminated and new ones refused for the fault's duration (the shared PostgreSQL server keeps running)",
    aws: { kind: "fis", actionId: "aws:rds:failover-db-cluster", experiment: "aurora-failover" },
    signals: { metrics: [{ namespace: ns.alb, name: "HTTPCode_Target_5XX_Count" }], alarm: "alb5xxRate" },
    expectedRecovery: {
      aws: "Aurora promotes a reader; clients reconnect to the cluster endpoint",
      awsSeconds: [30, 60],
      local: "Connections are allowed again; the pools reconnect",
      localSeconds: 10,
    },
    stopAlarm: "databaseConnections",
    maxDurationSeconds: 60,
    defaultDurationSeconds: 10,
    blastRadius: "Order writes and reads, loyalty; accepted orders' outbox rows wait; payments already queued still run",
  },
  "dynamodb-throttling": {
    category: "database",
    title: "DynamoDB capacity throttling",
    breaks: "A share of DynamoDB calls fail with ProvisionedThroughputExceededException",
    target: "database:dynamodb",
    local: "A DynamoDB client middleware in the services fails the configured share of calls as DynamoDB would",
    aws: { kind: "application", reads: "Every DynamoDB client's middleware, from the fault parameter (FIS has no DynamoDB throttling action)" },
    // Throttles are not UserErrors (DynamoDB counts them apart), and the SDK's retries hide most of them from callers:
    // the clients' own count of throttled attempts is what moves.
    signals: { metrics: [{ namespace: ns.platform, name: "DynamoDBThrottles" }], alarm: "dynamoThrottledRequests" },
    expectedRecovery: {
      aws: "The SDK's retries absorb light throttling; on-demand capacity adapts (the architecture: auto-scaling, 2-5 minutes)",
      awsSeconds: [120, 300],
      local: "Reverting stops the injected errors; retries and queues absorb what failed",
      localSeconds: 10,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 20,
    blastRadius: "Active orders, store inventory, payment log and notifications tables",
  },
  "documentdb-connection-exhaustion": {
    category: "database",
    title: "DocumentDB connection exhaustion",
    breaks: "The menu service cannot get a DocumentDB connection: menu reads fall back to the cache or fail",
    target: "database:documentdb",
    local: "The DocumentDB stand-in refuses new connections and closes the idle ones",
    aws: { kind: "application", reads: "The menu service's document client, from the fault parameter (it holds its pool at the cluster's limit)" },
    // Cached menu reads keep answering (as they should): the driver's failed operations and heartbeats show it.
    signals: { metrics: [{ namespace: ns.menu, name: "DocumentDbErrors" }], alarm: "documentDbErrors" },
    expectedRecovery: {
      aws: "Connections are released; the driver's pool reconnects",
      awsSeconds: [10, 60],
      local: "The stand-in accepts connections again",
      localSeconds: 10,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 20,
    blastRadius: "Menu writes and cache misses; cached menu reads keep working",
  },
  "elasticache-flush": {
    category: "cache",
    title: "ElastiCache flush (cache miss storm)",
    breaks: "Every cached menu, order and session entry is gone at once: the stores behind take the full load",
    target: "cache:elasticache",
    local: "FLUSHDB of the platform's cache database",
    aws: { kind: "application", reads: "The cache client, from the fault parameter: it flushes once per injection" },
    signals: {
      metrics: [
        { namespace: ns.cache, name: "CacheMisses" },
        { namespace: ns.cache, name: "CacheHitRate" },
      ],
      alarm: "cacheMissStorm",
    },
    expectedRecovery: {
      aws: "Application cache rebuild as entries are read again (the architecture: 5-10 minutes)",
      awsSeconds: [300, 600],
      local: "The cache refills from reads",
      localSeconds: 60,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 60,
    defaultDurationSeconds: 5,
    blastRadius: "Menu, order status and sessions: reads go to the stores behind; customers are signed out",
  },
  "memorydb-restart": {
    category: "cache",
    title: "MemoryDB restart",
    breaks: "The inventory counters' connections drop while the node restarts",
    target: "cache:memorydb",
    local: "The MemoryDB stand-in's redis-server restarts (its data survives, as MemoryDB's does)",
    aws: {
      kind: "fis-automation",
      runbook: "FailoverMemoryDbShard",
      experiment: "memorydb-restart",
      api: ["memorydb:FailoverShard"],
    },
    // Reservations keep working (DynamoDB is the record): the inventory service's unreachable MemoryDB shows it.
    signals: { metrics: [{ namespace: ns.inventory, name: "RateLimiterUnavailable" }], alarm: "memoryDbUnreachable" },
    expectedRecovery: {
      aws: "A replica takes over the shard; clients reconnect",
      awsSeconds: [10, 60],
      local: "The clients reconnect to the restarted server",
      localSeconds: 10,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 60,
    defaultDurationSeconds: 5,
    blastRadius: "Inventory reservations; stock in DynamoDB is the record and the counters are rebuilt from it",
  },
  "redis-eviction-pressure": {
    category: "cache",
    title: "Redis eviction pressure",
    breaks: "The cache's memory is nearly full: entries are evicted as fast as they are written",
    target: "cache:elasticache",
    local: "The cache's maxmemory is lowered (allkeys-lru) and filled with ballast; reverting restores both",
    aws: { kind: "application", reads: "A ballast writer in the order service, from the fault parameter (ElastiCache cannot lower maxmemory at runtime)" },
    signals: {
      metrics: [
        { namespace: ns.cache, name: "Evictions" },
        { namespace: ns.cache, name: "CacheHitRate" },
      ],
      alarm: "cacheMissStorm",
    },
    expectedRecovery: {
      aws: "The ballast expires; the hit rate recovers as the cache refills",
      awsSeconds: [300, 600],
      local: "maxmemory restored, ballast deleted; the cache refills from reads",
      localSeconds: 60,
    },
    stopAlarm: "alb5xxRate",
    maxDurationSeconds: 120,
    defaultDurationSeconds: 20,
    blastRadius: "Every cache user: menu, order status, sessions",
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultId = keyof typeof faults;
export const faultIds = Object.keys(faults) as FaultId[];

/** The faults FIS or an FIS-run runbook causes in AWS (an experiment template each), by id. */
export const fisFaults = faultIds.filter((id) => faults[id].aws.kind !== "application");
/** The faults the deployed code causes itself, reading the stage's fault parameter. */
export const applicationFaults = faultIds.filter((id) => faults[id].aws.kind === "application");

/** The stage's fault parameter: a JSON object of active application faults, keyed by fault id. */
export interface ActiveApplicationFault {
  /** Identifies one injection (a flush runs once per injection). */
  readonly injectionId: string;
  readonly expiresAt: string;
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
}
export const FAULTS_PARAMETER_ENV = "CLOUDCAFE_FAULTS_PARAMETER";

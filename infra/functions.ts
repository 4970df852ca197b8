/**
 * The Lambda side: the payment processor on the FIFO queue, the order event handlers and outbox relay, and one
 * function per stress scenario. Each gets only the links it touches.
 */
import {
  apiFunctions,
  eventSourceMappings,
  streamEventSourceMappings,
  lambdaArchitecture,
  platformFunctions,
  lambdaRuntime,
  queues,
  scenarioNames,
  sqsEventSourceMappingError,
  streamEventSourceMappingError,
  type StreamEventSourceMappingSpec,
  scheduledFunctions,
  type EventSourceMappingSpec,
  type LambdaSpec,
  type ScenarioName,
} from "@cloudcafe/catalog";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FisLambdaExtension } from "./chaos.ts";
import type { Analytics } from "./data.ts";
import type { Network, SecurityGroups } from "./network.ts";
import { pascalCase, stageName } from "./naming.ts";
import { encryptedLogGroup, type PlatformKey } from "./security.ts";
import { sstLogRetention, type StageSettings } from "./stage.ts";

/** SST's handler string for a catalog function: its module without the extension, then the `handler` export. */
export const handlerOf = (spec: LambdaSpec) => `${spec.handlerModule.replace(/\.ts$/, "")}.handler`;

/** The handlers of every function the catalog lists. */
export const HANDLERS = [
  ...Object.values(eventSourceMappings),
  ...Object.values(streamEventSourceMappings),
  ...Object.values(apiFunctions),
  ...Object.values(scheduledFunctions),
  ...Object.values(platformFunctions),
].map(handlerOf);

/** Every stress scenario the catalog names has its Lambda entry at functions/stress/src/<scenario>.ts. */
export const STRESS_SCENARIOS: readonly ScenarioName[] = scenarioNames;
/** Scenarios that cannot run without their wiring (the query storm needs the Redshift workgroup the lean profile omits). */
const NEEDS_WIRING: readonly ScenarioName[] = ["query-storm"];

export const stressHandler = (scenario: ScenarioName) => `functions/stress/src/${scenario}.handler`;

/** A function's IAM statement, as SST's `permissions` takes it. */
export type Permission = sst.aws.FunctionArgs["permissions"] extends $util.Input<(infer P)[]> | undefined ? P : never;

export interface FunctionContext {
  readonly net: Network;
  readonly groups: SecurityGroups;
  readonly settings: StageSettings;
  readonly key: PlatformKey;
  /** KMS usage every function needs to read encrypted queues, streams and secrets. */
  readonly keyUsage: $util.Input<any>;
}

/** The settings every CloudCafe function shares: the catalog's runtime, in the private subnets, stage log retention. */
function baseArgs(ctx: FunctionContext, name: string) {
  return {
    name: stageName(name),
    runtime: lambdaRuntime,
    architecture: lambdaArchitecture,
    vpc: { privateSubnets: ctx.net.privateSubnetIds, securityGroups: [ctx.groups.lambda.id] },
    logging: { retention: sstLogRetention(ctx.settings), format: "json" as const },
    nodejs: { format: "esm" as const },
    transform: { logGroup: encryptedLogGroup(ctx.key) },
  };
}

/** A catalog function on the shared settings: its name, handler, memory and timeout. */
export function catalogFunctionArgs(ctx: FunctionContext, spec: LambdaSpec) {
  return {
    ...baseArgs(ctx, spec.name),
    handler: handlerOf(spec),
    memory: `${spec.memoryMb} MB` as const,
    timeout: `${spec.timeoutSeconds} seconds` as const,
  };
}

/**
 * The catalog's event-source mapping from `queue` to `fn`; retries and the DLQ are the queue's redrive policy. Stops
 * the program on parameters Lambda would refuse, and writes the batching window exactly as the catalog has it (SST
 * writes 0 when none is given; a FIFO queue's mapping carries none).
 */
export function subscribe(queue: sst.aws.Queue, fn: sst.aws.Function, spec: EventSourceMappingSpec) {
  const refused = sqsEventSourceMappingError({ ...spec, fifo: queues[spec.queue].fifo });
  if (refused) throw new Error(`${spec.name} <- ${queues[spec.queue].name}: ${refused}`);
  queue.subscribe(fn.arn, {
    batch: { size: spec.batchSize, partialResponses: spec.reportBatchItemFailures },
    transform: {
      eventSourceMapping: (args) => {
        args.maximumBatchingWindowInSeconds = spec.maximumBatchingWindowSeconds;
      },
    },
  });
}

/** A stream a catalog mapping reads: a table with its stream enabled, or a Kinesis data stream. */
export type StreamSourceComponent = sst.aws.Dynamo | sst.aws.KinesisStream;

const streamArnOf = (source: StreamSourceComponent) =>
  source instanceof sst.aws.Dynamo ? source.nodes.table.streamArn : source.nodes.stream.arn;

/**
 * What a stream consumer's role needs beside its own links: reading the stream (Lambda's poller uses the function's
 * role) and sending the description of a batch given up on to the on-failure queue.
 */
export function streamConsumerPermissions(source: StreamSourceComponent, onFailure: sst.aws.Queue): Permission[] {
  const read =
    source instanceof sst.aws.Dynamo
      ? ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
      : ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:SubscribeToShard"];
  return [
    { actions: read, resources: [streamArnOf(source)] },
    { actions: ["sqs:SendMessage"], resources: [onFailure.arn] },
  ];
}

/**
 * The catalog's stream mapping from `source` to `fn`: batch size and window, starting position, bisection, retry and
 * record-age limits, parallelization, partial batch responses and the on-failure queue, exactly as the catalog has
 * them (and as `npm start`'s stream pollers run them). Stops the program on parameters Lambda would refuse.
 */
export function subscribeStream(source: StreamSourceComponent, fn: sst.aws.Function, spec: StreamEventSourceMappingSpec, onFailure: sst.aws.Queue) {
  const refused = streamEventSourceMappingError(spec);
  if (refused) throw new Error(`${spec.name}: ${refused}`);
  const eventSourceMapping = (args: aws.lambda.EventSourceMappingArgs): undefined => {
    args.batchSize = spec.batchSize;
    args.maximumBatchingWindowInSeconds = spec.maximumBatchingWindowSeconds;
    args.startingPosition = spec.startingPosition;
    args.bisectBatchOnFunctionError = spec.bisectBatchOnFunctionError;
    args.maximumRetryAttempts = spec.maximumRetryAttempts;
    args.maximumRecordAgeInSeconds = spec.maximumRecordAgeSeconds;
    args.parallelizationFactor = spec.parallelizationFactor;
    args.functionResponseTypes = ["ReportBatchItemFailures"];
    args.destinationConfig = { onFailure: { destinationArn: onFailure.arn } };
    return undefined;
  };
  const name = pascalCase(spec.name);
  return source instanceof sst.aws.Dynamo
    ? source.subscribe(name, fn.arn, { transform: { eventSourceMapping } })
    : source.subscribe(name, fn.arn, { transform: { eventSourceMapping } });
}

/**
 * The payment processor, with FIS's Lambda extension when deployed (the invocation-fault experiments target it; in
 * `sst dev` the handler runs on the laptop, where the extension cannot). `PAYMENT_INIT_DELAY_MS` and
 * `PAYMENT_FRAUD_ROUNDS` are the stage settings that rehearse the cold-start avalanche.
 */
export function paymentProcessor(
  ctx: FunctionContext,
  link: $util.Input<any>[],
  paymentQueue: sst.aws.Queue,
  fis: FisLambdaExtension,
  /** Where it reads the application-level faults (the payment gateway's egress). */
  faultEnvironment: Record<string, $util.Input<string>> = {},
) {
  const faults = $dev ? undefined : fis;
  const spec = eventSourceMappings.paymentProcessor;
  const reserved = ctx.settings.paymentReservedConcurrency;
  const fn = new sst.aws.Function("PaymentProcessor", {
    ...catalogFunctionArgs(ctx, spec),
    // A stage setting: reserving N needs an account concurrency quota of at least N + 100 (stage.ts).
    ...(reserved === undefined ? {} : { concurrency: { reserved } }),
    environment: {
      PAYMENT_INIT_DELAY_MS: String(ctx.settings.paymentInitDelayMs),
      PAYMENT_FRAUD_ROUNDS: String(ctx.settings.paymentFraudRounds),
      ...faultEnvironment,
      ...faults?.environment,
    },
    layers: faults ? [faults.layerArn] : undefined,
    link,
    permissions: [ctx.keyUsage, ...(faults?.readPermissions ?? [])],
  });
  subscribe(paymentQueue, fn, spec);
  return fn;
}

export function orderFunctions(
  ctx: FunctionContext,
  link: $util.Input<any>[],
  submissionQueue: sst.aws.Queue,
  paymentResultsQueue: sst.aws.Queue,
  environment: Record<string, $util.Input<string>>,
  /** Beyond the key: calling the Inventory service over VPC Lattice. */
  permissions: $util.Input<any>[] = [],
) {
  const args = (spec: LambdaSpec, extraLink: $util.Input<any>[] = []) => ({
    ...catalogFunctionArgs(ctx, spec),
    environment,
    link: [...link, ...extraLink],
    permissions: [ctx.keyUsage, ...permissions],
  });
  const submission = new sst.aws.Function("OrderSubmissionHandler", args(eventSourceMappings.orderSubmission));
  subscribe(submissionQueue, submission, eventSourceMappings.orderSubmission);
  const paymentResults = new sst.aws.Function(
    "OrderPaymentResultsHandler",
    args(eventSourceMappings.orderPaymentResults, [paymentResultsQueue]),
  );
  subscribe(paymentResultsQueue, paymentResults, eventSourceMappings.orderPaymentResults);
  const outboxRelay = new sst.aws.Cron("OutboxRelay", {
    schedule: scheduledFunctions.outboxRelay.schedule,
    function: args(scheduledFunctions.outboxRelay),
  });
  return { submission, paymentResults, outboxRelay };
}

/**
 * The notification sender on `notification-queue` (payment results by SNS, READY from the order service), writing
 * the customers' inbox table; the queue's redrive policy does the retries and the dead-lettering.
 */
export function notificationSender(ctx: FunctionContext, notificationQueue: sst.aws.Queue, inbox: sst.aws.Dynamo) {
  const spec = eventSourceMappings.notifications;
  const fn = new sst.aws.Function("NotificationSender", {
    ...catalogFunctionArgs(ctx, spec),
    link: [inbox],
    permissions: [ctx.keyUsage],
  });
  subscribe(notificationQueue, fn, spec);
  return fn;
}

/** What a stress scenario touches beyond CPU: its settings and the IAM statements for them. */
export interface ScenarioWiring {
  readonly environment?: Record<string, $util.Input<string>>;
  readonly permissions?: Permission[];
}

/** The cold-start avalanche invokes the deployed payment processor through the Lambda API, and nothing else. */
export function paymentInvoker(payment: sst.aws.Function): ScenarioWiring {
  return {
    environment: { PAYMENT_FUNCTION_NAME: payment.name },
    permissions: [{ actions: ["lambda:InvokeFunction"], resources: [payment.arn] }],
  };
}

/**
 * The query storm reads the analytics store through the Redshift Data API with temporary IAM credentials: statements
 * run on the workgroup only, and reading, describing or cancelling a statement is limited to the ones this function's
 * own role session submitted (those actions take no resource ARN).
 */
export function analyticsReader(analytics: Analytics): ScenarioWiring {
  const workgroup = analytics.workgroup.arn;
  return {
    environment: {
      ANALYTICS_WORKGROUP_NAME: analytics.workgroup.workgroupName,
      ANALYTICS_DATABASE_NAME: analytics.databaseName,
    },
    permissions: [
      { actions: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], resources: [workgroup] },
      {
        actions: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
        resources: ["*"],
        conditions: [{ test: "StringEquals", variable: "redshift-data:statement-owner-iam-userid", values: ["${aws:userid}"] }],
      },
      { actions: ["redshift-serverless:GetCredentials"], resources: [workgroup] },
    ],
  };
}

/**
 * One function per stress scenario; long timeouts because the scenarios hold CPU for minutes. Every one is guarded
 * by the operator token; `wiring` adds what a scenario touches beyond CPU.
 */
export function stressFunctions(
  ctx: FunctionContext,
  link: $util.Input<any>[],
  wiring: Partial<Record<ScenarioName, ScenarioWiring>>,
) {
  const deployed = STRESS_SCENARIOS.filter((scenario) => !NEEDS_WIRING.includes(scenario) || wiring[scenario]);
  return Object.fromEntries(
    deployed.map((scenario) => [
      scenario,
      new sst.aws.Function(`Stress${pascalCase(scenario)}`, {
        ...baseArgs(ctx, `stress-${scenario}`),
        handler: stressHandler(scenario),
        // 1769 MB is one full vCPU, which the in-thread pool drives (piscina's thread files do not survive bundling).
        memory: "1769 MB",
        timeout: "15 minutes",
        environment: { STRESS_POOL: "in-thread", ...wiring[scenario]?.environment },
        link,
        permissions: [ctx.keyUsage, ...(wiring[scenario]?.permissions ?? [])],
      }),
    ]),
  );
}

/** The migration history the program deploys: drizzle-kit's journal lists every migration by tag and hash. */
export const MIGRATIONS_FOLDER = "packages/adapters/drizzle";
export const migrationHistoryDigest = () =>
  createHash("sha256").update(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`)).digest("hex");

/**
 * The database migrator and its invocation by the deploy itself: whenever the migration history changes, the deploy
 * runs it (in the VPC, with the Database link) and stops if it fails, and the services that read the tables depend on
 * it, so no task starts against a schema older than its code. `sst dev` and `npm start` migrate the local database.
 */
export function databaseMigration(ctx: FunctionContext, database: $util.Input<any>) {
  const spec = platformFunctions.databaseMigrator;
  const migrator = new sst.aws.Function("DatabaseMigrator", {
    ...catalogFunctionArgs(ctx, spec),
    link: [database],
    copyFiles: [{ from: MIGRATIONS_FOLDER, to: "drizzle" }],
    environment: { MIGRATIONS_FOLDER: "drizzle" },
    permissions: [ctx.keyUsage],
  });
  const digest = migrationHistoryDigest();
  const invocation = new aws.lambda.Invocation("DatabaseMigration", {
    functionName: migrator.name,
    input: JSON.stringify({ migrationHistory: digest }),
    triggers: { migrationHistory: digest },
  });
  return { migrator, invocation };
}

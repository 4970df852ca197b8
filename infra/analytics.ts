/**
 * The analytics pipeline's AWS side: the `order-events` consumer (a Lambda on the catalog's stream mapping), the read
 * API (a Lambda behind API Gateway's `/api/analytics` data routes), and the worker on the analytics EC2 instance (its
 * image, its settings and what its instance role may do). The instance, its systemd unit and the CloudWatch agent
 * are compute-ec2.ts's; the lease table is data.ts's, both from the catalog.
 */
import { analyticsWarehouse, apiFunctions, services, streamEventSourceMappings } from "@cloudcafe/catalog";
import { EC2_SERVICE_DOCKERFILE } from "./compute-ec2.ts";
import type { Analytics } from "./data.ts";
import { catalogFunctionArgs, streamConsumerPermissions, subscribeStream, type FunctionContext } from "./functions.ts";
import type { Messaging } from "./messaging.ts";
import { SYSTEMD_UNIT } from "./ec2-user-data.ts";
import type { PlatformKey } from "./security.ts";
import { stageName } from "./naming.ts";

export const ANALYTICS_WORKER_ENTRY = "functions/analytics/src/worker.ts";
/** The read API's data routes; the rest of `/api/analytics` (health, OpenAPI) stays on the catalog's ALB rule. */
/** The whole prefix goes to the read API's function (its app answers 404 in the error shape for what it does not serve). */
export const ANALYTICS_API_ROUTES = [`ANY ${services.analytics.pathPrefix}`, `ANY ${services.analytics.pathPrefix}/{proxy+}`] as const;
/** Where the unit's drop-in and settings go on the instance. */
export const ANALYTICS_ENV_FILE = "/etc/cloudcafe/analytics.env";

/** The star schema's tables live in this schema of the warehouse database. */
const ANALYTICS_SCHEMA = "analytics";

/**
 * Reading and writing the warehouse through the Data API with temporary IAM credentials: statements run on the
 * workgroup only, and a statement's description, result and cancellation only for the role session that submitted it
 * (those actions take no resource ARN).
 */
interface Grant {
  actions: string[];
  resources: $util.Input<string>[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

export function warehouseStatements(analytics: Analytics): Grant[] {
  const workgroup = analytics.workgroup.arn;
  return [
    { actions: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], resources: [workgroup] },
    {
      actions: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "redshift-data:statement-owner-iam-userid", values: ["${aws:userid}"] }],
    },
    { actions: ["redshift-serverless:GetCredentials"], resources: [workgroup] },
  ];
}

const warehouseEnvironment = (analytics: Analytics) => ({
  ANALYTICS_WORKGROUP_NAME: analytics.workgroup.workgroupName,
  ANALYTICS_DATABASE_NAME: analytics.databaseName,
  ANALYTICS_SCHEMA,
});

/** The read API's function, and how it joins API Gateway (before the API is deployed). */
export function analyticsApi(ctx: FunctionContext, analytics: Analytics) {
  const fn = new sst.aws.Function("AnalyticsApi", {
    ...catalogFunctionArgs(ctx, apiFunctions.analyticsApi),
    environment: warehouseEnvironment(analytics),
    permissions: [ctx.keyUsage, ...warehouseStatements(analytics)],
  });
  return {
    fn,
    addRoutes(api: sst.aws.ApiGatewayV1) {
      for (const route of ANALYTICS_API_ROUTES) api.route(route, fn.arn);
    },
  };
}

/** The `order-events` consumer: order events to analytics events by store, on the catalog's Kinesis mapping. */
export function orderEventsConsumer(ctx: FunctionContext, bus: Messaging, environment: Record<string, $util.Input<string>>) {
  const spec = streamEventSourceMappings.analyticsOrderEvents;
  const deadLetters = bus.queues.analyticsDeadLetters;
  const fn = new sst.aws.Function("AnalyticsOrderEventsConsumer", {
    ...catalogFunctionArgs(ctx, spec),
    environment: { MENU_SERVICE_URL: environment.MENU_SERVICE_URL! },
    link: [bus.analyticsEvents, deadLetters],
    permissions: [ctx.keyUsage, ...streamConsumerPermissions(bus.orderEvents, deadLetters)],
  });
  const mapping = subscribeStream(bus.orderEvents, fn, spec, deadLetters);
  return { fn, mapping };
}

/**
 * The worker's image (the bundled worker.ts, tagged `analytics` in the EC2 services' repository, which the
 * `cloudcafe@analytics` unit pulls) and the user-data lines that start it: its settings in an env file the unit's
 * drop-in hands to `docker run`, then the unit enabled. Systemd restarts it on a crash; the leases resume it.
 */
export function analyticsWorkerBoot(bus: Messaging, leases: sst.aws.Dynamo, analytics: Analytics, region: string) {
  const settings = $resolve({
    // The EC2 services' repository (compute-ec2.ts), which is created with the instance this boots.
    image: $interpolate`${aws.getCallerIdentityOutput().accountId}.dkr.ecr.${region}.amazonaws.com/${stageName("ec2-services")}`,
    stream: bus.analyticsEvents.name,
    table: leases.name,
    queue: bus.queues.analyticsDeadLetters.url,
    workgroup: analytics.workgroup.workgroupName,
    database: analytics.databaseName,
  });
  return settings.apply(({ image, stream, table, queue, workgroup, database }) => {
    const environment = {
      AWS_REGION: region,
      NODE_ENV: "production",
      SST_RESOURCE_App: JSON.stringify({ name: $app.name, stage: $app.stage }),
      SST_RESOURCE_AnalyticsEvents: JSON.stringify({ name: stream }),
      SST_RESOURCE_AnalyticsLeases: JSON.stringify({ name: table }),
      SST_RESOURCE_AnalyticsDeadLetters: JSON.stringify({ url: queue }),
      ANALYTICS_WORKGROUP_NAME: workgroup,
      ANALYTICS_DATABASE_NAME: database ?? analyticsWarehouse.database,
      ANALYTICS_SCHEMA,
    };
    const unit = SYSTEMD_UNIT.replace("@.", "@analytics.");
    return [
      "mkdir -p /etc/cloudcafe",
      `cat > ${ANALYTICS_ENV_FILE} <<'ENV'`,
      ...Object.entries(environment).map(([name, value]) => `${name}=${value}`),
      "ENV",
      `mkdir -p /etc/systemd/system/${unit}.d`,
      `cat > /etc/systemd/system/${unit}.d/environment.conf <<'UNIT'`,
      "[Service]",
      // The unit's docker run, with the worker's settings; a graceful stop (docker stop: SIGTERM) hands the leases over.
      "ExecStart=",
      `ExecStart=/bin/sh -c '/usr/bin/docker run --rm --name %i --network host --env-file ${ANALYTICS_ENV_FILE} ${image}:%i >> /var/log/cloudcafe/%i.log 2>&1'`,
      "TimeoutStopSec=60",
      "UNIT",
      "systemctl daemon-reload",
      `systemctl enable --now ${unit}`,
    ].join("\n");
  });
}

/** The worker's image, built from the EC2 services' Dockerfile with the worker as its entry. */
export function analyticsWorkerImage(repository: aws.ecr.Repository) {
  const registry = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  return new dockerbuild.Image("AnalyticsWorkerImage", {
    context: { location: $cli.paths.root },
    dockerfile: { location: `${$cli.paths.root}/${EC2_SERVICE_DOCKERFILE}` },
    buildArgs: { ENTRY: ANALYTICS_WORKER_ENTRY },
    platforms: ["linux/amd64"],
    push: true,
    tags: [$interpolate`${repository.repositoryUrl}:analytics`],
    registries: [{ address: repository.repositoryUrl, username: registry.userName, password: registry.password }],
  });
}

/**
 * What the worker's instance role may do beside Systems Manager and CloudWatch: read `analytics-events`, keep its
 * leases, send dead letters, and run statements on the warehouse, each on those resources only.
 */
export function analyticsWorkerAccess(roleName: $util.Input<string>, bus: Messaging, leases: sst.aws.Dynamo, analytics: Analytics, key: PlatformKey) {
  const statement = (permission: Grant) => ({
    Effect: "Allow",
    Action: permission.actions,
    Resource: permission.resources,
    ...(permission.conditions
      ? { Condition: Object.fromEntries(permission.conditions.map((c) => [c.test, { [c.variable]: c.values }])) }
      : {}),
  });
  return new aws.iam.RolePolicy("AnalyticsWorkerPipeline", {
    role: roleName,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        statement({
          actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"],
          resources: [bus.analyticsEvents.nodes.stream.arn],
        }),
        statement({
          actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
          resources: [leases.arn],
        }),
        statement({ actions: ["sqs:SendMessage"], resources: [bus.queues.analyticsDeadLetters.arn] }),
        ...warehouseStatements(analytics).map(statement),
        statement({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [key.arn] }),
      ],
    }),
  });
}

/**
 * The Loyalty service beyond its instances (compute-ec2.ts): what the instances run and with which settings, the
 * payment-results consumer, and the hourly schedule that starts the tier recalculation.
 *
 * - The instances run `cloudcafe@loyalty` (the shared unit of ec2-user-data.ts) with a drop-in that first reads the
 *   service's environment (its links as SST shapes them, and its settings) from an encrypted SSM parameter into a
 *   root-only file on tmpfs, then runs the `loyalty` image with it. The operator token never sits in user data.
 * - The consumer is the catalog's Lambda on the loyalty subscription to `payment-results` (live traffic only).
 * - The schedule: an EventBridge rule every hour runs a small function that asks the service, through the NLB, to
 *   start the run with the hour as its id; the run goes on on one instance (one at a time across all of them), so it
 *   has the instance's piscina pool and memory instead of a Lambda's 15-minute limit. Instances run no loop of
 *   their own (LOYALTY_BATCH_INTERVAL_MS=0) and seed nothing.
 */
import { eventSourceMappings, scheduledFunctions, services } from "@cloudcafe/catalog";
import type { Analytics } from "./data.ts";
import { catalogFunctionArgs, type FunctionContext, subscribe } from "./functions.ts";
import { physicalName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";

export const LOYALTY_DOCKERFILE = "infra/docker/loyalty.Dockerfile";
export const LOYALTY_ENV_FILE = "/run/cloudcafe/loyalty.env";

export interface LoyaltyLinks {
  readonly database: { readonly host: $util.Input<string>; readonly port: number; readonly database: string; readonly username: string; readonly secretArn: $util.Input<string> };
  readonly cache: sst.aws.Redis;
  readonly operatorToken: sst.Secret;
}

/** The service's environment on an instance: its links in SST's `SST_RESOURCE_<Name>` shape, and its settings. */
function serviceEnvironment(links: LoyaltyLinks, region: string, analytics: Analytics | undefined) {
  return $resolve([
    links.database.host,
    links.database.secretArn,
    links.cache.host,
    links.cache.port,
    links.cache.username,
    links.cache.password,
    links.operatorToken.value,
    analytics?.workgroup.workgroupName ?? "",
    analytics?.databaseName ?? "",
  ]).apply(([host, secretArn, cacheHost, cachePort, cacheUser, cachePassword, token, workgroup, warehouseDatabase]) =>
    [
      `SST_RESOURCE_Database=${JSON.stringify({ host, port: links.database.port, database: links.database.database, username: links.database.username, secretArn })}`,
      `SST_RESOURCE_Cache=${JSON.stringify({ host: cacheHost, port: cachePort, username: cacheUser, password: cachePassword })}`,
      `SST_RESOURCE_OperatorToken=${JSON.stringify({ value: token })}`,
      `AWS_REGION=${region}`,
      "LOYALTY_BATCH_INTERVAL_MS=0",
      "LOYALTY_SEED_USERS=0",
      ...(workgroup ? [`ANALYTICS_WORKGROUP_NAME=${workgroup}`, `ANALYTICS_DATABASE_NAME=${warehouseDatabase}`] : []),
    ].join("\n"),
  );
}

/** The encrypted parameter with the service's environment (read by the instances at each start of the unit). */
export function loyaltyEnvironmentParameter(
  links: LoyaltyLinks,
  key: PlatformKey,
  region: string,
  analytics: Analytics | undefined,
  /** The deploy's database migration: the instances start (they need this parameter) only once the tables exist. */
  dependsOn: $util.Input<$util.Resource>[] = [],
) {
  return new aws.ssm.Parameter(
    "LoyaltyServiceEnvironment",
    { name: `/${physicalName("loyalty")}/environment`, type: "SecureString", keyId: key.arn, value: serviceEnvironment(links, region, analytics) },
    { dependsOn },
  );
}

/**
 * The launch template's `startCommand`: a drop-in for the shared unit that reads the environment parameter into a
 * root-only file on tmpfs before each start and runs the `loyalty` image with it, then the unit enabled and started
 * (systemd restarts it; the ASG replaces an instance whose /health the NLB stops seeing).
 */
export function loyaltyStartCommand(boot: { region: string; parameterName: string; imageRepositoryUrl: string }): string {
  const dir = LOYALTY_ENV_FILE.replace(/\/[^/]+$/, "");
  return [
    "mkdir -p /etc/systemd/system/cloudcafe@loyalty.service.d",
    "cat > /etc/systemd/system/cloudcafe@loyalty.service.d/environment.conf <<'UNIT'",
    "[Service]",
    `ExecStartPre=/bin/sh -c 'umask 077; mkdir -p ${dir}; aws ssm get-parameter --region ${boot.region} --name ${boot.parameterName} --with-decryption --query Parameter.Value --output text > ${LOYALTY_ENV_FILE}'`,
    "ExecStart=",
    `ExecStart=/bin/sh -c '/usr/bin/docker run --rm --name %i --network host --env-file ${LOYALTY_ENV_FILE} ${boot.imageRepositoryUrl}:%i >> /var/log/cloudcafe/%i.log 2>&1'`,
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now cloudcafe@loyalty",
  ].join("\n");
}

/** What the instances' role may read beyond the image: the environment parameter, the database secret, the warehouse. */
export function loyaltyInstancePermissions(roleName: $util.Input<string>, parameter: aws.ssm.Parameter, links: LoyaltyLinks, analytics: Analytics | undefined) {
  return new aws.iam.RolePolicy("LoyaltyInstanceRoleReadsItsSettings", {
    role: roleName,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: parameter.arn },
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: links.database.secretArn },
        ...(analytics
          ? [
              { Effect: "Allow", Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], Resource: analytics.workgroup.arn },
              { Effect: "Allow", Action: ["redshift-serverless:GetCredentials"], Resource: analytics.workgroup.arn },
              {
                Effect: "Allow",
                Action: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
                Resource: "*",
                Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
              },
            ]
          : []),
      ],
    }),
  });
}

/** The payment-results consumer (the catalog's mapping) and the hourly function that starts the tier run. */
export function loyaltyFunctions(
  ctx: FunctionContext,
  links: { database: $util.Input<any>; cache: sst.aws.Redis; operatorToken: sst.Secret },
  queue: sst.aws.Queue,
  serviceUrl: $util.Input<string>,
  /** The deploy's database migration, which the consumer's first accrual needs. */
  dependsOn: $util.Input<$util.Resource>[] = [],
) {
  const consumerSpec = eventSourceMappings.loyaltyPaymentResults;
  const consumer = new sst.aws.Function(
    "LoyaltyPaymentResultsHandler",
    {
      ...catalogFunctionArgs(ctx, consumerSpec),
      environment: { LOYALTY_BATCH_INTERVAL_MS: "0", LOYALTY_SEED_USERS: "0" },
      link: [links.database, links.cache, links.operatorToken, queue],
      permissions: [ctx.keyUsage],
    },
    { dependsOn },
  );
  subscribe(queue, consumer, consumerSpec);
  const schedule = new sst.aws.Cron("LoyaltyTierSchedule", {
    schedule: scheduledFunctions.loyaltyTierRun.schedule,
    function: {
      ...catalogFunctionArgs(ctx, scheduledFunctions.loyaltyTierRun),
      environment: { LOYALTY_SERVICE_URL: serviceUrl },
      link: [links.operatorToken],
      permissions: [ctx.keyUsage],
    },
  });
  return { consumer, schedule };
}

/** The service's address inside the VPC: the internal NLB's listener. */
export const loyaltyServiceUrl = (nlbDnsName: $util.Input<string>) => $interpolate`http://${nlbDnsName}:${services.loyalty.port}`;

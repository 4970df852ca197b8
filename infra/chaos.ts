/**
 * AWS FIS experiment templates for the architecture's failure scenarios that FIS can perform. Every template stops
 * itself when the alarm watching the blast radius fires. The Lambda faults need FIS's Lambda extension on the target
 * function and an S3 location FIS writes the active faults to and the extension reads them from.
 */
import { lambdaArchitecture } from "@cloudcafe/catalog";
import { serviceRole, managedPolicy } from "./iam.ts";
import type { StopAlarms } from "./observability.ts";
import { stageName } from "./naming.ts";
import { privateBucket, tlsOnly, type PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

interface ChaosTargets {
  readonly ecsClusterName: $util.Input<string>;
  readonly ecsServiceName: $util.Input<string>;
  /** Absent in the lean profile, which has no EKS: no node experiment then. */
  readonly eksNodeGroupArn?: $util.Input<string>;
  readonly loyaltyGroupName: $util.Input<string>;
  readonly databaseClusterArn: $util.Input<string>;
  readonly paymentFunctionArn: $util.Input<string>;
  readonly privateSubnetArns: $util.Input<string>[];
}

/** Folder of the FIS config bucket the experiments write active Lambda faults to. */
export const FIS_CONFIG_PREFIX = "fis-configs/";
/** AWS publishes the FIS Lambda extension's layer ARN per region and architecture as an SSM public parameter. */
export const fisExtensionParameter = (architecture: "arm64" | "x86_64") =>
  `/aws/service/fis/lambda-extension/AWS-FIS-extension-${architecture}/1.x.x`;
/** The extension's wrapper script, which puts its proxy between the Lambda runtime and the handler. */
export const FIS_EXEC_WRAPPER = "/opt/aws-fis/bootstrap";

/**
 * The FIS config bucket (private, encrypted with the platform key, TLS only) and what a target function needs: the
 * extension layer, the two variables the extension reads, and read access to the config folder. FIS finds the folder
 * in the function's `AWS_FIS_CONFIGURATION_LOCATION`, so the experiment templates carry no S3 setting.
 */
export function fisLambdaExtension(key: PlatformKey, settings: StageSettings) {
  const bucket = privateBucket("FisConfigBucket", key, settings);
  new aws.s3.BucketPolicy("FisConfigBucketPolicy", {
    bucket: bucket.id,
    policy: $jsonStringify({ Version: "2012-10-17", Statement: [tlsOnly(bucket)] }),
  });
  const location = $interpolate`${bucket.arn}/${FIS_CONFIG_PREFIX}`;
  // A public String parameter: its value is not secret.
  const layer = aws.ssm.getParameterOutput({ name: fisExtensionParameter(lambdaArchitecture) });
  return {
    bucket,
    location,
    layerArn: layer.insecureValue,
    environment: { AWS_FIS_CONFIGURATION_LOCATION: location, AWS_LAMBDA_EXEC_WRAPPER: FIS_EXEC_WRAPPER },
    readPermissions: [
      {
        actions: ["s3:ListBucket"],
        resources: [bucket.arn],
        conditions: [{ test: "StringLike", variable: "s3:prefix", values: [`${FIS_CONFIG_PREFIX}*`] }],
      },
      { actions: ["s3:GetObject"], resources: [$interpolate`${location}*`] },
    ],
  };
}

export type FisLambdaExtension = ReturnType<typeof fisLambdaExtension>;

/** FIS action id per experiment, and the alarm (by key of `StopAlarms`) that stops it. */
export const EXPERIMENTS = {
  "ecs-task-stop": { action: "aws:ecs:stop-task", stopAlarm: "ecsRunningBelowDesired" },
  "eks-node-terminate": { action: "aws:eks:terminate-nodegroup-instances", stopAlarm: "alb5xxRate" },
  "ec2-terminate": { action: "aws:ec2:terminate-instances", stopAlarm: "alb5xxRate" },
  "aurora-failover": { action: "aws:rds:failover-db-cluster", stopAlarm: "databaseConnections" },
  "lambda-invocation-error": { action: "aws:lambda:invocation-error", stopAlarm: "lambdaErrorRate" },
  "lambda-invocation-delay": { action: "aws:lambda:invocation-add-delay", stopAlarm: "paymentDurationGuard" },
  "network-disrupt": { action: "aws:network:disrupt-connectivity", stopAlarm: "alb5xxRate" },
} as const satisfies Record<string, { action: string; stopAlarm: keyof StopAlarms }>;

type ExperimentName = keyof typeof EXPERIMENTS;

export function chaosExperiments(
  targets: ChaosTargets,
  alarms: StopAlarms,
  key: PlatformKey,
  fis: FisLambdaExtension,
  logRetentionDays: number,
) {
  const role = serviceRole("FisRole", "fis.amazonaws.com", [
    managedPolicy("service-role/AWSFaultInjectionSimulatorECSAccess"),
    managedPolicy("service-role/AWSFaultInjectionSimulatorEKSAccess"),
    managedPolicy("service-role/AWSFaultInjectionSimulatorEC2Access"),
    managedPolicy("service-role/AWSFaultInjectionSimulatorRDSAccess"),
    managedPolicy("service-role/AWSFaultInjectionSimulatorNetworkAccess"),
  ]);
  const logGroup = new aws.cloudwatch.LogGroup("FisLogGroup", {
    name: `/aws/fis/${stageName("experiments")}`,
    retentionInDays: logRetentionDays,
    kmsKeyId: key.arn,
  });
  new aws.iam.RolePolicy("FisRoleExtras", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["lambda:GetFunction", "lambda:ListTags"],
          Resource: targets.paymentFunctionArn,
        },
        {
          Sid: "WriteLambdaFaultConfigs",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:DeleteObject"],
          Resource: $interpolate`${fis.location}*`,
        },
        // The config bucket is encrypted with the platform key.
        { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: key.arn },
        // Lambda actions resolve their targets through the tagging API, which has no resource-level permissions.
        { Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
        // Experiment logging to CloudWatch Logs: these actions take no log group ARN ("Experiment logging
        // permissions" in the FIS user guide), so they cannot be narrowed to the experiments' group.
        {
          Sid: "DeliverExperimentLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
          Resource: "*",
        },
      ],
    }),
  });

  const template = (
    name: ExperimentName,
    description: string,
    target: Omit<aws.types.input.fis.ExperimentTemplateTarget, "name" | "resourceType"> & { resourceType: TargetType },
    parameters: Record<string, string> = {},
  ) => {
    const { action, stopAlarm } = EXPERIMENTS[name];
    return new aws.fis.ExperimentTemplate(`Chaos-${name}`, {
      description,
      roleArn: role.arn,
      stopConditions: [{ source: "aws:cloudwatch:alarm", value: alarms[stopAlarm].arn }],
      actions: [
        {
          name: name,
          actionId: action,
          target: { key: TARGET_KEYS[target.resourceType], value: "targets" },
          parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
        },
      ],
      targets: [{ ...target, name: "targets" }],
      logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: $interpolate`${logGroup.arn}:*` } },
      tags: { Name: stageName(name) },
    });
  };

  return {
    ecsTaskStop: template(
      "ecs-task-stop",
      "Stop half of the order service tasks; ECS must replace them",
      {
        resourceType: "aws:ecs:task",
        selectionMode: "PERCENT(50)",
        parameters: { cluster: targets.ecsClusterName, service: targets.ecsServiceName },
      },
    ),
    eksNodeTerminate:
      targets.eksNodeGroupArn &&
      template(
        "eks-node-terminate",
        "Drain and terminate a third of the EKS spot nodes",
        { resourceType: "aws:eks:nodegroup", selectionMode: "ALL", resourceArns: [targets.eksNodeGroupArn] },
        { instanceTerminationPercentage: "33" },
      ),
    ec2Terminate: template(
      "ec2-terminate",
      "Terminate one loyalty instance; the Auto Scaling group must replace it",
      {
        resourceType: "aws:ec2:instance",
        selectionMode: "COUNT(1)",
        resourceTags: [{ key: "aws:autoscaling:groupName", value: targets.loyaltyGroupName }],
        filters: [{ path: "State.Name", values: ["running"] }],
      },
    ),
    auroraFailover: template(
      "aurora-failover",
      "Fail the Aurora writer over to a reader",
      { resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [targets.databaseClusterArn] },
    ),
    lambdaInvocationError: template(
      "lambda-invocation-error",
      "Fail a quarter of payment processor invocations for five minutes",
      { resourceType: "aws:lambda:function", selectionMode: "ALL", resourceArns: [targets.paymentFunctionArn] },
      { duration: "PT5M", invocationPercentage: "25", preventExecution: "true" },
    ),
    lambdaInvocationDelay: template(
      "lambda-invocation-delay",
      "Delay half of payment processor invocations by 3 s for five minutes",
      { resourceType: "aws:lambda:function", selectionMode: "ALL", resourceArns: [targets.paymentFunctionArn] },
      { duration: "PT5M", invocationPercentage: "50", startupDelayMilliseconds: "3000" },
    ),
    networkDisrupt: template(
      "network-disrupt",
      "Cut the private subnets off for two minutes",
      { resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: targets.privateSubnetArns },
      { duration: "PT2M", scope: "all" },
    ),
  };
}

/** The action target key FIS expects for each resource type. */
const TARGET_KEYS = {
  "aws:ecs:task": "Tasks",
  "aws:eks:nodegroup": "Nodegroups",
  "aws:ec2:instance": "Instances",
  "aws:rds:cluster": "Clusters",
  "aws:lambda:function": "Functions",
  "aws:ec2:subnet": "Subnets",
} as const;

type TargetType = keyof typeof TARGET_KEYS;

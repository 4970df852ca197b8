/**
 * AWS FIS experiment templates for the architecture's failure scenarios that FIS can perform. Every template stops
 * itself when the alarm watching the blast radius fires.
 */
import { serviceRole, managedPolicy } from "./iam.ts";
import type { Alarms } from "./observability.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";

interface ChaosTargets {
  readonly ecsClusterName: $util.Input<string>;
  readonly ecsServiceName: $util.Input<string>;
  readonly eksNodeGroupArn: $util.Input<string>;
  readonly loyaltyGroupName: $util.Input<string>;
  readonly databaseClusterArn: $util.Input<string>;
  readonly paymentFunctionArn: $util.Input<string>;
  readonly privateSubnetArns: $util.Input<string>[];
}

/** FIS action id per experiment, and the alarm (by key of `alarms()`) that stops it. */
export const EXPERIMENTS = {
  "ecs-task-stop": { action: "aws:ecs:stop-task", stopAlarm: "ecsRunningBelowDesired" },
  "eks-node-terminate": { action: "aws:eks:terminate-nodegroup-instances", stopAlarm: "alb5xxRate" },
  "ec2-terminate": { action: "aws:ec2:terminate-instances", stopAlarm: "alb5xxRate" },
  "aurora-failover": { action: "aws:rds:failover-db-cluster", stopAlarm: "databaseConnections" },
  "lambda-invocation-error": { action: "aws:lambda:invocation-error", stopAlarm: "lambdaErrorRate" },
  "network-disrupt": { action: "aws:network:disrupt-connectivity", stopAlarm: "alb5xxRate" },
} as const satisfies Record<string, { action: string; stopAlarm: keyof Alarms }>;

type ExperimentName = keyof typeof EXPERIMENTS;

export function chaosExperiments(targets: ChaosTargets, alarms: Alarms, key: PlatformKey, logRetentionDays: number) {
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
          Effect: "Allow",
          Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
          Resource: $interpolate`${logGroup.arn}:*`,
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
    eksNodeTerminate: template(
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

/**
 * AWS FIS experiment templates for the architecture's failure scenarios that FIS can perform. Every template stops
 * itself when the alarm watching the blast radius fires. The Lambda faults need FIS's Lambda extension on the target
 * function and an S3 location FIS writes the active faults to and the extension reads them from.
 */
import { faults, fisFaults, lambdaArchitecture, type FaultId } from "@cloudcafe/catalog";
import { runbook, type Runbook } from "./chaos-runbooks.ts";
import { serviceRole, managedPolicy } from "./iam.ts";
import type { FaultRegistryAlarms } from "./chaos-alarms.ts";
import type { StopAlarms as ArchitectureStopAlarms } from "./observability.ts";
import { stageName } from "./naming.ts";
import { privateBucket, tlsOnly, type PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

interface ChaosTargets {
  readonly ecsClusterName: $util.Input<string>;
  readonly ecsServiceName: $util.Input<string>;
  /** The order service's ALB listener rules (its two path patterns), which the rule-deletion runbook deletes. */
  readonly orderRuleArns: $util.Input<string>[];
  /** The order tasks' security group and the ALB's, whose ingress rule the revocation runbook takes away. */
  readonly orderSecurityGroupId: $util.Input<string>;
  readonly albSecurityGroupId: $util.Input<string>;
  readonly servicePort: number;
  readonly paymentFunctionName: $util.Input<string>;
  /** The payment processor's reserved concurrency, which the throttling runbook restores (none: it removes its 0). */
  readonly paymentReservedConcurrency: number | undefined;
  /** Absent in the lean profile, which has no MemoryDB. */
  readonly memoryDbCluster?: { readonly name: $util.Input<string>; readonly arn: $util.Input<string> };
  /** Absent in the lean profile, which has no warehouse and so no analytics worker. */
  readonly analyticsInstanceArn?: $util.Input<string>;
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

/** The alarms an experiment can stop on: the architecture's six, the Lambda delay guard and the fault registry's own. */
export type StopAlarms = ArchitectureStopAlarms & FaultRegistryAlarms;

/** FIS's action for running an SSM Automation runbook ("FIS actions reference", Systems Manager actions). */
export const AUTOMATION_ACTION = "aws:ssm:start-automation-execution";

/** The fault registry's scenarios that FIS causes, by experiment name, with the alarm that stops each. */
const registryExperiments = Object.fromEntries(
  fisFaults.map((id) => {
    const { aws: mechanism, stopAlarm } = faults[id];
    if (mechanism.kind === "application") throw new Error(`${id} is an application fault`);
    const action = mechanism.kind === "fis" ? mechanism.actionId : AUTOMATION_ACTION;
    return [mechanism.experiment, { action, stopAlarm: stopAlarm as keyof StopAlarms, fault: id as FaultId | undefined }];
  }),
);

/**
 * FIS action id per experiment, and the alarm (by key of `StopAlarms`) that stops it: the fault registry's, and the
 * payment processor's invocation faults and the subnet disruption, which the registry's scenarios do not name.
 */
export const EXPERIMENTS: Record<string, { action: string; stopAlarm: keyof StopAlarms; fault?: FaultId | undefined }> = {
  ...registryExperiments,
  "lambda-invocation-error": { action: "aws:lambda:invocation-error", stopAlarm: "lambdaErrorRate" },
  "lambda-invocation-delay": { action: "aws:lambda:invocation-add-delay", stopAlarm: "paymentDurationGuard" },
  "network-disrupt": { action: "aws:network:disrupt-connectivity", stopAlarm: "alb5xxRate" },
};

type ExperimentName = string;

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

  const logConfiguration = { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: $interpolate`${logGroup.arn}:*` } };
  const stopConditions = (name: ExperimentName) => [{ source: "aws:cloudwatch:alarm", value: alarms[EXPERIMENTS[name]!.stopAlarm].arn }];
  type Target = Omit<aws.types.input.fis.ExperimentTemplateTarget, "name" | "resourceType"> & { resourceType: TargetType };
  /** An experiment of one or more actions, each on its own target set. */
  const template = (
    name: ExperimentName,
    description: string,
    actions: { readonly name: string; readonly target: Target; readonly parameters?: Record<string, string> }[],
  ) => {
    const { action } = EXPERIMENTS[name]!;
    return new aws.fis.ExperimentTemplate(`Chaos-${name}`, {
      description,
      roleArn: role.arn,
      stopConditions: stopConditions(name),
      actions: actions.map((a) => ({
        name: a.name,
        actionId: action,
        target: { key: TARGET_KEYS[a.target.resourceType], value: a.name },
        parameters: Object.entries(a.parameters ?? {}).map(([key, value]) => ({ key, value })),
      })),
      targets: actions.map((a) => ({ ...a.target, name: a.name })),
      logConfiguration,
      tags: { Name: stageName(name) },
    });
  };
  const single = (name: ExperimentName, description: string, target: Target, parameters: Record<string, string> = {}) =>
    template(name, description, [{ name: "targets", target, parameters }]);
  /** An experiment that runs one of the platform's runbooks (no FIS target: the runbook's parameters name them). */
  const automation = (name: ExperimentName, description: string, book: Runbook, parameters: Record<string, $util.Input<string>>, duration: string) =>
    new aws.fis.ExperimentTemplate(`Chaos-${name}`, {
      description,
      roleArn: role.arn,
      stopConditions: stopConditions(name),
      actions: [
        {
          name,
          actionId: AUTOMATION_ACTION,
          parameters: [
            { key: "documentArn", value: book.document.arn },
            { key: "documentParameters", value: $jsonStringify({ AutomationAssumeRole: book.role.arn, ...parameters }) },
            { key: "maxDuration", value: duration },
          ],
        },
      ],
      logConfiguration,
      tags: { Name: stageName(name) },
    });
  const seconds = (id: FaultId) => `PT${faults[id].defaultDurationSeconds}S`;
  const maxDuration = (id: FaultId) => `PT${faults[id].maxDurationSeconds}S`;

  const account = aws.getCallerIdentityOutput().accountId;
  const region = aws.getRegionOutput().name;
  const books = {
    deleteRule: runbook("DeleteListenerRule", {
      description: "Deletes the order service's ALB listener rules. Recovery is manual, as the architecture says: sst refresh, then sst deploy",
      parameters: Object.fromEntries(targets.orderRuleArns.map((_, i) => [`RuleArn${i}`, { type: "String", description: "A listener rule to delete" }])),
      apply: targets.orderRuleArns.map((_, i) => ({ service: "elbv2", api: "DeleteRule", inputs: { RuleArn: `{{RuleArn${i}}}` } })),
      permissions: [{ actions: ["elasticloadbalancing:DeleteRule"], resources: targets.orderRuleArns }],
    }),
    revokeIngress: runbook("RevokeServiceIngress", {
      description: "Revokes the ALB's ingress to the order tasks, waits, then authorizes it again (also when cancelled)",
      parameters: {
        GroupId: { type: "String", description: "The order tasks' security group" },
        SourceGroupId: { type: "String", description: "The ALB's security group" },
        Port: { type: "Integer", description: "The service port" },
      },
      apply: [{ service: "ec2", api: "RevokeSecurityGroupIngress", inputs: { GroupId: "{{GroupId}}", IpPermissions: [ingressFromAlb(false)] } }],
      restore: [{ service: "ec2", api: "AuthorizeSecurityGroupIngress", inputs: { GroupId: "{{GroupId}}", IpPermissions: [ingressFromAlb(true)] } }],
      permissions: [
        {
          actions: ["ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"],
          resources: [$interpolate`arn:aws:ec2:${region}:${account}:security-group/${targets.orderSecurityGroupId}`],
        },
      ],
    }),
    throttle: runbook("ThrottleFunction", {
      description: "Sets the payment processor's reserved concurrency to 0 (every invocation throttled), waits, then restores it",
      parameters: { FunctionName: { type: "String", description: "The function to throttle" } },
      apply: [{ service: "lambda", api: "PutFunctionConcurrency", inputs: { FunctionName: "{{FunctionName}}", ReservedConcurrentExecutions: 0 } }],
      restore: [
        targets.paymentReservedConcurrency === undefined
          ? { service: "lambda", api: "DeleteFunctionConcurrency", inputs: { FunctionName: "{{FunctionName}}" } }
          : { service: "lambda", api: "PutFunctionConcurrency", inputs: { FunctionName: "{{FunctionName}}", ReservedConcurrentExecutions: targets.paymentReservedConcurrency } },
      ],
      permissions: [{ actions: ["lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency"], resources: [targets.paymentFunctionArn] }],
    }),
    failoverShard: targets.memoryDbCluster
      ? runbook("FailoverMemoryDbShard", {
          description: "Fails a MemoryDB shard over to its replica (the node restarts as a replica); clients reconnect",
          parameters: { ClusterName: { type: "String", description: "The MemoryDB cluster" }, ShardName: { type: "String", description: "The shard, e.g. 0001" } },
          apply: [{ service: "memorydb", api: "FailoverShard", inputs: { ClusterName: "{{ClusterName}}", ShardName: "{{ShardName}}" } }],
          permissions: [{ actions: ["memorydb:FailoverShard"], resources: [targets.memoryDbCluster.arn] }],
        })
      : undefined,
  };
  const runbooks = Object.values(books).filter((book): book is Runbook => book !== undefined);
  new aws.iam.RolePolicy("FisRunsRunbooks", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "ssm:StartAutomationExecution",
          Resource: runbooks.map((book) => $interpolate`arn:aws:ssm:${region}:${account}:automation-definition/${book.document.name}:*`),
        },
        {
          Effect: "Allow",
          Action: ["ssm:GetAutomationExecution", "ssm:StopAutomationExecution"],
          Resource: $interpolate`arn:aws:ssm:${region}:${account}:automation-execution/*`,
        },
        { Effect: "Allow", Action: "iam:PassRole", Resource: runbooks.map((book) => book.role.arn) },
      ],
    }),
  });

  return {
    ecsTaskStop: single(
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
      single(
        "eks-node-terminate",
        "Drain and terminate a third of the EKS spot nodes",
        { resourceType: "aws:eks:nodegroup", selectionMode: "ALL", resourceArns: [targets.eksNodeGroupArn] },
        { instanceTerminationPercentage: "33" },
      ),
    ec2Terminate: template("ec2-terminate", "Terminate one loyalty instance and the analytics worker; the Auto Scaling group and the worker's recovery must replace them", [
      {
        name: "loyalty",
        target: {
          resourceType: "aws:ec2:instance",
          selectionMode: "COUNT(1)",
          resourceTags: [{ key: "aws:autoscaling:groupName", value: targets.loyaltyGroupName }],
          filters: [{ path: "State.Name", values: ["running"] }],
        },
      },
      ...(targets.analyticsInstanceArn
        ? [{ name: "analytics", target: { resourceType: "aws:ec2:instance" as const, selectionMode: "ALL", resourceArns: [targets.analyticsInstanceArn] } }]
        : []),
    ]),
    auroraFailover: single(
      "aurora-failover",
      "Fail the Aurora writer over to a reader",
      { resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [targets.databaseClusterArn] },
    ),
    lambdaInvocationError: single(
      "lambda-invocation-error",
      "Fail a quarter of payment processor invocations for five minutes",
      { resourceType: "aws:lambda:function", selectionMode: "ALL", resourceArns: [targets.paymentFunctionArn] },
      { duration: "PT5M", invocationPercentage: "25", preventExecution: "true" },
    ),
    lambdaInvocationDelay: single(
      "lambda-invocation-delay",
      "Delay half of payment processor invocations by 3 s for five minutes",
      { resourceType: "aws:lambda:function", selectionMode: "ALL", resourceArns: [targets.paymentFunctionArn] },
      { duration: "PT5M", invocationPercentage: "50", startupDelayMilliseconds: "3000" },
    ),
    networkDisrupt: single(
      "network-disrupt",
      "Cut the private subnets off for two minutes",
      { resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: targets.privateSubnetArns },
      { duration: "PT2M", scope: "all" },
    ),
    albRuleDeletion: automation(
      "alb-rule-deletion",
      "Delete the order service's ALB listener rules (recovery: sst refresh, then sst deploy)",
      books.deleteRule,
      Object.fromEntries(targets.orderRuleArns.map((arn, i) => [`RuleArn${i}`, arn])),
      maxDuration("alb-rule-deletion"),
    ),
    sgIngressRevocation: automation(
      "sg-ingress-revocation",
      "Revoke the ALB's ingress to the order tasks, then restore it",
      books.revokeIngress,
      { GroupId: targets.orderSecurityGroupId, SourceGroupId: targets.albSecurityGroupId, Port: String(targets.servicePort), Duration: seconds("sg-ingress-revocation") },
      maxDuration("sg-ingress-revocation"),
    ),
    lambdaThrottling: automation(
      "lambda-throttling",
      "Throttle every payment processor invocation (reserved concurrency 0), then restore it",
      books.throttle,
      { FunctionName: targets.paymentFunctionName, Duration: seconds("lambda-throttling") },
      maxDuration("lambda-throttling"),
    ),
    memoryDbRestart:
      books.failoverShard &&
      targets.memoryDbCluster &&
      automation(
        "memorydb-restart",
        "Fail MemoryDB's first shard over to its replica",
        books.failoverShard,
        { ClusterName: targets.memoryDbCluster.name, ShardName: "0001" },
        maxDuration("memorydb-restart"),
      ),
  };

  /** The ALB's ingress rule on the order tasks' group, as the runbook revokes and restores it. */
  function ingressFromAlb(withDescription: boolean) {
    return {
      IpProtocol: "tcp",
      FromPort: "{{Port}}",
      ToPort: "{{Port}}",
      UserIdGroupPairs: [{ GroupId: "{{SourceGroupId}}", ...(withDescription ? { Description: "from ALB" } : {}) }],
    };
  }
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

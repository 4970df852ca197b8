/**
 * The EC2 platform: the loyalty Auto Scaling group (2-10 instances on 70% CPU) behind an internal NLB on TCP 8080,
 * and the single analytics worker instance. Both boot from ec2-user-data.ts and run their image from the shared ECR
 * repository, built with infra/docker/ec2-service.Dockerfile. Each service adds its `startCommand` when it lands.
 */
import { metricNamespaces, serviceOrchestration, services } from "@cloudcafe/catalog";
import { userData } from "./ec2-user-data.ts";
import { managedPolicy, serviceRole } from "./iam.ts";
import type { Network, SecurityGroups } from "./network.ts";
import { loyaltyStartCommand } from "./loyalty.ts";
import { limitedName, pascalCase, stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

export const EC2_SERVICE_DOCKERFILE = "infra/docker/ec2-service.Dockerfile";
export const LOYALTY_SCALING = { min: serviceOrchestration.loyalty.deployedReplicas, max: 10, targetCpu: 70 } as const;
/** AWS's public parameter naming the current Amazon Linux 2023 AMI. */
export const AMAZON_LINUX_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** For launch templates, which EC2 resolves at each launch, so the loyalty instances always boot a patched image. */
export const AMAZON_LINUX_AMI = `resolve:ssm:${AMAZON_LINUX_AMI_PARAMETER}`;

function instanceRole(name: string, key: PlatformKey, repository: aws.ecr.Repository) {
  // Systems Manager and CloudWatch only, plus pulling the service image.
  const role = serviceRole(name, "ec2.amazonaws.com", [
    managedPolicy("AmazonSSMManagedInstanceCore"),
    managedPolicy("CloudWatchAgentServerPolicy"),
  ]);
  new aws.iam.RolePolicy(`${name}PullsImage`, {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
          Resource: repository.arn,
        },
        // GetAuthorizationToken has no resource-level permissions in IAM.
        { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
      ],
    }),
  });
  return new aws.iam.InstanceProfile(`${name}Profile`, { role: role.name });
}

function serviceLogGroup(service: string, key: PlatformKey, settings: StageSettings) {
  return new aws.cloudwatch.LogGroup(`${pascalCase(service)}LogGroup`, {
    name: `/ec2/${stageName(service)}`,
    retentionInDays: settings.logRetentionDays,
    kmsKeyId: key.arn,
  });
}

const encryptedRoot = (key: PlatformKey) => [
  { deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", kmsKeyId: key.arn } },
];

export function ec2Platform(
  net: Network,
  groups: SecurityGroups,
  key: PlatformKey,
  settings: StageSettings,
  /** The Loyalty service's environment parameter (infra/loyalty.ts); without it the unit is installed but not started. */
  loyaltyEnvironment?: aws.ssm.Parameter,
  /** Enables the analytics worker's unit with its settings (infra/analytics.ts); absent on stages without the warehouse. */
  analyticsStartCommand?: $util.Input<string>,
) {
  const repository = new aws.ecr.Repository("Ec2ServiceImages", {
    name: stageName("ec2-services"),
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "MUTABLE",
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
    forceDelete: !settings.production,
  });

  const loyaltyLogs = serviceLogGroup("loyalty", key, settings);
  const loyaltyProfile = instanceRole("LoyaltyInstanceRole", key, repository);
  const loyaltyTemplate = new aws.ec2.LaunchTemplate("LoyaltyLaunchTemplate", {
    namePrefix: stageName("loyalty-"),
    imageId: AMAZON_LINUX_AMI,
    instanceType: settings.ec2InstanceType,
    vpcSecurityGroupIds: [groups.ec2.id],
    iamInstanceProfile: { arn: loyaltyProfile.arn },
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    monitoring: { enabled: true },
    blockDeviceMappings: encryptedRoot(key),
    userData: $resolve([loyaltyLogs.name, repository.repositoryUrl, loyaltyEnvironment?.name ?? ""]).apply(([logGroupName, imageRepositoryUrl, parameterName]) =>
      Buffer.from(
        userData({
          service: "loyalty",
          region: settings.region,
          logGroupName,
          metricNamespace: metricNamespaces.loyalty,
          imageRepositoryUrl,
          ...(parameterName ? { startCommand: loyaltyStartCommand({ region: settings.region, parameterName, imageRepositoryUrl }) } : {}),
        }),
      ).toString("base64"),
    ),
  });

  const nlb = new aws.lb.LoadBalancer("LoyaltyNlb", {
    name: limitedName("loyalty-nlb", 32),
    loadBalancerType: "network",
    internal: true,
    subnets: net.privateSubnetIds,
    securityGroups: [groups.nlb.id],
    enableCrossZoneLoadBalancing: true,
  });
  const targetGroup = new aws.lb.TargetGroup("LoyaltyTargetGroup", {
    name: limitedName("loyalty-tg", 32),
    vpcId: net.vpc.id,
    port: services.loyalty.port,
    protocol: "TCP",
    targetType: "instance",
    healthCheck: { protocol: "HTTP", path: services.loyalty.healthPath, port: String(services.loyalty.port) },
  });
  new aws.lb.Listener("LoyaltyNlbListener", {
    loadBalancerArn: nlb.arn,
    port: services.loyalty.port,
    protocol: "TCP",
    defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
  });

  const loyaltyGroup = new aws.autoscaling.Group("LoyaltyAsg", {
    name: stageName("loyalty"),
    minSize: LOYALTY_SCALING.min,
    maxSize: LOYALTY_SCALING.max,
    desiredCapacity: LOYALTY_SCALING.min,
    vpcZoneIdentifiers: net.privateSubnetIds,
    launchTemplate: { id: loyaltyTemplate.id, version: "$Latest" },
    targetGroupArns: [targetGroup.arn],
    healthCheckType: "ELB",
    healthCheckGracePeriod: 300,
    enabledMetrics: ["GroupInServiceInstances", "GroupDesiredCapacity"],
    tags: [{ key: "Name", value: stageName("loyalty"), propagateAtLaunch: true }],
  });
  new aws.autoscaling.Policy("LoyaltyCpuTarget", {
    autoscalingGroupName: loyaltyGroup.name,
    policyType: "TargetTrackingScaling",
    targetTrackingConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
      targetValue: LOYALTY_SCALING.targetCpu,
    },
  });

  const analyticsLogs = serviceLogGroup("analytics", key, settings);
  const analyticsProfile = instanceRole("AnalyticsInstanceRole", key, repository);
  // The AMI id is read here, not left to `resolve:ssm:` on the instance: the Terraform provider Pulumi wraps rejects
  // that together with rootBlockDevice (terraform-provider-aws #43488). A later AMI does not replace this stateful
  // instance (ignoreChanges); it is patched in place.
  const ami = aws.ssm.getParameterOutput({ name: AMAZON_LINUX_AMI_PARAMETER }).insecureValue;
  // One instance: the KCL consumer checkpoints are stateful.
  const analyticsWorker = new aws.ec2.Instance("AnalyticsWorker", {
    ami,
    instanceType: settings.ec2InstanceType,
    subnetId: net.privateSubnetIds[0]!,
    vpcSecurityGroupIds: [groups.ec2.id, groups.analytics.id],
    iamInstanceProfile: analyticsProfile.name,
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    monitoring: true,
    rootBlockDevice: { volumeSize: 30, volumeType: "gp3", encrypted: true, kmsKeyId: key.arn },
    userData: $resolve([analyticsLogs.name, repository.repositoryUrl, analyticsStartCommand ?? ""]).apply(([logGroupName, imageRepositoryUrl, startCommand]) =>
      userData({
        service: "analytics",
        region: settings.region,
        logGroupName,
        metricNamespace: metricNamespaces.analytics,
        imageRepositoryUrl,
        startCommand,
      }),
    ),
    userDataReplaceOnChange: true,
    tags: { Name: stageName("analytics") },
  }, { ignoreChanges: ["ami"] });

  return { repository, loyaltyGroup, loyaltyTemplate, loyaltyRoleName: loyaltyProfile.role, nlb, targetGroup, analyticsWorker, analyticsRoleName: analyticsProfile.role };
}

export type Ec2Platform = ReturnType<typeof ec2Platform>;

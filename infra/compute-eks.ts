/**
 * The EKS platform for the inventory and menu services: the cluster (secrets encrypted with the platform key, control
 * plane logs kept per stage) and a spot node group carrying eks-node-sg. The Deployments, HPAs, Services, ConfigMap
 * and Secret arrive with the inventory and menu services, in this file, routed by the target groups in edge.ts.
 */
import { managedPolicy, serviceRole } from "./iam.ts";
import type { Network, SecurityGroups } from "./network.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

/** In EKS standard support until 2027-03-27 (infra/test: AWS constraints); a version past it is billed as extended support. */
export const EKS_VERSION = "1.35";
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export function eksPlatform(
  net: Network,
  groups: SecurityGroups,
  key: PlatformKey,
  settings: StageSettings,
  latticeInvoke: { actions: string[]; resources: $util.Input<$util.Input<string>[]> },
) {
  const clusterName = stageName("eks");
  // EKS writes control plane logs here; creating it first lets us own its retention.
  const logGroup = new aws.cloudwatch.LogGroup("EksLogGroup", {
    name: `/aws/eks/${clusterName}/cluster`,
    retentionInDays: settings.logRetentionDays,
    kmsKeyId: key.arn,
  });
  const clusterRole = serviceRole("EksClusterRole", "eks.amazonaws.com", [managedPolicy("AmazonEKSClusterPolicy")]);
  const cluster = new aws.eks.Cluster(
    "EksCluster",
    {
      name: clusterName,
      version: EKS_VERSION,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: net.privateSubnetIds,
        securityGroupIds: [groups.eksNode.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: !settings.production,
      },
      accessConfig: { authenticationMode: "API" },
      enabledClusterLogTypes: EKS_LOG_TYPES,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
    },
    { dependsOn: [logGroup] },
  );

  const nodeRole = serviceRole("EksNodeRole", "ec2.amazonaws.com", [
    managedPolicy("AmazonEKSWorkerNodePolicy"),
    managedPolicy("AmazonEKS_CNI_Policy"),
    managedPolicy("AmazonEC2ContainerRegistryReadOnly"),
    managedPolicy("CloudWatchAgentServerPolicy"),
    managedPolicy("AmazonSSMManagedInstanceCore"),
  ]);
  // The inventory and menu pods call the Lattice services as the node role (SigV4), which the auth policies admit.
  new aws.iam.RolePolicy("EksNodesInvokeLattice", {
    role: nodeRole.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: latticeInvoke.actions, Resource: latticeInvoke.resources }],
    }),
  });
  const nodeTemplate = new aws.ec2.LaunchTemplate("EksNodeTemplate", {
    vpcSecurityGroupIds: [groups.eksNode.id],
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", ebs: { volumeSize: 40, volumeType: "gp3", encrypted: "true", kmsKeyId: key.arn } },
    ],
  });
  const nodeGroup = new aws.eks.NodeGroup("EksSpotNodes", {
    clusterName: cluster.name,
    nodeGroupName: stageName("spot"),
    nodeRoleArn: nodeRole.arn,
    subnetIds: net.privateSubnetIds,
    capacityType: "SPOT",
    instanceTypes: [...settings.eks.nodeInstanceTypes],
    scalingConfig: {
      minSize: settings.eks.minNodes,
      maxSize: settings.eks.maxNodes,
      desiredSize: settings.eks.desiredNodes,
    },
    launchTemplate: { id: nodeTemplate.id, version: $interpolate`${nodeTemplate.latestVersion}` },
    updateConfig: { maxUnavailable: 1 },
  });
  return { cluster, nodeGroup, nodeRole };
}

export type EksPlatform = ReturnType<typeof eksPlatform>;

/**
 * The EKS platform for the inventory and menu services: the cluster (secrets encrypted with the platform key, control
 * plane logs kept per stage), a spot node group carrying eks-node-sg, Kubernetes on it through the Pulumi provider,
 * and the Menu service's workload, routed by the target group in edge.ts. Inventory's workload comes with its service.
 */
import { documentDatabase, operatorToken, serviceOrchestration } from "@cloudcafe/catalog";
import { eksServiceWorkload, podRole } from "./eks-workload.ts";
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

/** The Menu service on EKS, as the architecture sizes it: 3 replicas, each limited to 500m CPU and 512 MB. */
export const MENU_WORKLOAD = {
  namespace: "cloudcafe",
  name: "menu-service",
  replicas: serviceOrchestration.menu.deployedReplicas,
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
} as const;
export const MENU_SERVER_ENTRY = "functions/menu/src/server.ts";
/** Where the container image keeps the RDS CA bundle DocumentDB's TLS certificate chains to (service.Dockerfile). */
export const RDS_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem";
/** The AWS Load Balancer Controller, which registers the menu pods in `menu-service-tg` (TargetGroupBinding). */
export const LOAD_BALANCER_CONTROLLER = {
  chart: "aws-load-balancer-controller",
  repository: "https://aws.github.io/eks-charts",
  version: "1.13.4",
  namespace: "kube-system",
  serviceAccount: "aws-load-balancer-controller",
} as const;

/**
 * Kubernetes on the SST-built cluster, through the Pulumi Kubernetes provider: the deploying principal gets cluster
 * admin through an access entry (the cluster authenticates with access entries only), pods get AWS roles through
 * EKS Pod Identity, and the AWS Load Balancer Controller binds Services to the ALB's target groups.
 */
export function kubernetesOnEks(eks: EksPlatform, net: Network, settings: StageSettings) {
  const deployer = aws.iam.getSessionContextOutput({ arn: aws.getCallerIdentityOutput().arn });
  const access = new aws.eks.AccessEntry("EksDeployerAccess", { clusterName: eks.cluster.name, principalArn: deployer.issuerArn });
  const admin = new aws.eks.AccessPolicyAssociation("EksDeployerAdmin", {
    clusterName: eks.cluster.name,
    principalArn: access.principalArn,
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    accessScope: { type: "cluster" },
  });
  const podIdentity = new aws.eks.Addon("EksPodIdentityAgent", { clusterName: eks.cluster.name, addonName: "eks-pod-identity-agent" });
  const kubeconfig = $jsonStringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "eks", cluster: { server: eks.cluster.endpoint, "certificate-authority-data": eks.cluster.certificateAuthority.data } }],
    contexts: [{ name: "eks", context: { cluster: "eks", user: "deployer" } }],
    "current-context": "eks",
    users: [
      {
        name: "deployer",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", eks.cluster.name, "--region", settings.region],
          },
        },
      },
    ],
  });
  const provider = new kubernetes.Provider("EksKubernetes", { kubeconfig, enableServerSideApply: true }, { dependsOn: [admin, eks.nodeGroup] });

  const controller = LOAD_BALANCER_CONTROLLER;
  // TargetGroupBinding only (no Ingress or Service load balancers here): read the ALB's target groups, register and
  // deregister pod IPs, and see the VPC's network interfaces.
  const controllerRole = podRole("LoadBalancerControllerRole", eks, controller.namespace, controller.serviceAccount, [
    {
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      Resource: "*",
    },
  ]);
  const loadBalancerController = new kubernetes.helm.v3.Release(
    "LoadBalancerController",
    {
      name: controller.chart,
      chart: controller.chart,
      version: controller.version,
      namespace: controller.namespace,
      repositoryOpts: { repo: controller.repository },
      values: {
        clusterName: eks.cluster.name,
        region: settings.region,
        vpcId: net.vpc.id,
        serviceAccount: { create: true, name: controller.serviceAccount },
        // Binding existing target groups is all it does here.
        enableServiceMutatorWebhook: false,
      },
    },
    { provider, dependsOn: [controllerRole, podIdentity] },
  );
  return { provider, loadBalancerController, podIdentity };
}

export type KubernetesOnEks = ReturnType<typeof kubernetesOnEks>;

export interface MenuWorkloadLinks {
  /** `MenuDocuments`: the DocumentDB endpoint, database, user and the managed secret holding the password. */
  documents: { host: $util.Input<string>; port: number; database: string; username: string; secretArn: $util.Input<string> };
  cache: sst.aws.Redis;
  operatorToken: sst.Secret;
}

/**
 * The Menu service's pods (eks-workload.ts): 3 replicas with the architecture's limits, its links in a Secret (the
 * DocumentDB user and the ARN of the rotated secret, which the service reads through its Pod Identity role when a new
 * connection needs the password; the Redis and operator token links), registered in `menu-service-tg` behind the
 * ALB's `/api/menu` rule.
 */
export function menuWorkload(eks: EksPlatform, k8s: KubernetesOnEks, targetGroup: aws.lb.TargetGroup, links: MenuWorkloadLinks, key: PlatformKey, settings: StageSettings) {
  const workload = MENU_WORKLOAD;
  const namespace = new kubernetes.core.v1.Namespace("CloudCafeNamespace", { metadata: { name: workload.namespace } }, { provider: k8s.provider });
  const resource = (value: unknown) => $jsonStringify(value);
  const pods = eksServiceWorkload(
    eks,
    k8s,
    targetGroup,
    {
      prefix: "Menu",
      service: "menu",
      name: workload.name,
      namespace,
      replicas: workload.replicas,
      requests: workload.requests,
      limits: workload.limits,
      config: {
        // The heap well inside the 512 MB limit, leaving room for the stress pool's threads and buffers.
        NODE_OPTIONS: "--max-old-space-size=320",
        AWS_REGION: settings.region,
        DOCUMENTDB_CA_FILE: RDS_CA_BUNDLE_PATH,
        MENU_LOAD_STARTER: "true",
      },
      links: {
        [`SST_RESOURCE_${documentDatabase.resource}`]: resource(links.documents),
        SST_RESOURCE_Cache: resource({ host: links.cache.host, port: links.cache.port, username: links.cache.username, password: links.cache.password }),
        [`SST_RESOURCE_${operatorToken.resource}`]: resource({ value: links.operatorToken.value }),
      },
      statements: [
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: links.documents.secretArn },
        { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
      ],
    },
    key,
    settings,
  );
  return { ...pods, namespace };
}

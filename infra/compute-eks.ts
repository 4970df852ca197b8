/**
 * The EKS platform for the inventory and menu services: the cluster (secrets encrypted with the platform key, control
 * plane logs kept per stage), a spot node group carrying eks-node-sg, Kubernetes on it through the Pulumi provider,
 * and the Menu service's workload, routed by the target group in edge.ts. Inventory's workload comes with its service.
 */
import { documentDatabase, operatorToken, services } from "@cloudcafe/catalog";
import { CONTAINER_SERVICE_DOCKERFILE } from "./compute-order.ts";
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
  replicas: 3,
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

/** A role pods of one service account assume through EKS Pod Identity, allowed `statements` and nothing else. */
function podRole(name: string, eks: EksPlatform, namespace: $util.Input<string>, serviceAccount: string, statements: aws.iam.PolicyStatement[]) {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    }),
    inlinePolicies: [{ name: "access", policy: $jsonStringify({ Version: "2012-10-17", Statement: statements }) }],
  });
  new aws.eks.PodIdentityAssociation(`${name}Association`, { clusterName: eks.cluster.name, namespace, serviceAccount, roleArn: role.arn });
  return role;
}

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
 * The Menu service's pods: an image of `functions/menu` (service.Dockerfile) in an ECR repository of its own, a
 * Deployment of 3 replicas with the architecture's limits, its configuration in a ConfigMap, its links in a Secret
 * (the DocumentDB user and the ARN of the rotated secret, which the service reads through its Pod Identity role when
 * a new connection needs the password; the Redis and operator token links), a Service, and a TargetGroupBinding that
 * keeps the ready pods registered in `menu-service-tg` behind the ALB's `/api/menu` rule.
 */
export function menuWorkload(eks: EksPlatform, k8s: KubernetesOnEks, targetGroup: aws.lb.TargetGroup, links: MenuWorkloadLinks, key: PlatformKey, settings: StageSettings) {
  const { provider } = k8s;
  const workload = MENU_WORKLOAD;
  const repository = new aws.ecr.Repository("MenuImages", {
    name: stageName("menu-service"),
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
    forceDelete: !settings.production,
  });
  const registry = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  const image = new dockerbuild.Image("MenuImage", {
    context: { location: $cli.paths.root },
    dockerfile: { location: `${$cli.paths.root}/${CONTAINER_SERVICE_DOCKERFILE}` },
    buildArgs: { SERVICE: "menu" },
    platforms: ["linux/amd64"],
    push: true,
    tags: [$interpolate`${repository.repositoryUrl}:${$app.stage}`],
    registries: [{ address: repository.repositoryUrl, username: registry.userName, password: registry.password }],
  });

  const namespace = new kubernetes.core.v1.Namespace("CloudCafeNamespace", { metadata: { name: workload.namespace } }, { provider });
  const labels = { app: workload.name };
  const metadata = { name: workload.name, namespace: namespace.metadata.name, labels };
  const serviceAccount = new kubernetes.core.v1.ServiceAccount("MenuServiceAccount", { metadata }, { provider });
  podRole("MenuPodRole", eks, workload.namespace, workload.name, [
    { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: links.documents.secretArn },
    { Effect: "Allow", Action: ["kms:Decrypt"], Resource: key.arn },
  ]);
  const config = new kubernetes.core.v1.ConfigMap(
    "MenuConfig",
    {
      metadata: { ...metadata, name: `${workload.name}-config` },
      data: {
        PORT: String(services.menu.port),
        NODE_ENV: "production",
        // The heap well inside the 512 MB limit, leaving room for the stress pool's threads and buffers.
        NODE_OPTIONS: "--max-old-space-size=320",
        AWS_REGION: settings.region,
        DOCUMENTDB_CA_FILE: RDS_CA_BUNDLE_PATH,
        MENU_LOAD_STARTER: "true",
        SST_RESOURCE_App: JSON.stringify({ name: $app.name, stage: $app.stage }),
      },
    },
    { provider },
  );
  const resource = (value: unknown) => $jsonStringify(value);
  const secret = new kubernetes.core.v1.Secret(
    "MenuSecret",
    {
      metadata: { ...metadata, name: `${workload.name}-links` },
      type: "Opaque",
      stringData: {
        [`SST_RESOURCE_${documentDatabase.resource}`]: resource(links.documents),
        SST_RESOURCE_Cache: resource({ host: links.cache.host, port: links.cache.port, username: links.cache.username, password: links.cache.password }),
        [`SST_RESOURCE_${operatorToken.resource}`]: resource({ value: links.operatorToken.value }),
      },
    },
    { provider },
  );
  const port = services.menu.port;
  const probe = (initialDelaySeconds: number) => ({ httpGet: { path: services.menu.healthPath, port: "http" }, initialDelaySeconds, periodSeconds: 10 });
  const deployment = new kubernetes.apps.v1.Deployment(
    "MenuDeployment",
    {
      metadata,
      spec: {
        replicas: workload.replicas,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // One replica per zone where possible, so losing an AZ leaves two.
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
            ],
            containers: [
              {
                name: "menu",
                image: image.ref,
                ports: [{ name: "http", containerPort: port }],
                envFrom: [{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: secret.metadata.name } }],
                resources: { requests: workload.requests, limits: workload.limits },
                readinessProbe: probe(5),
                livenessProbe: probe(30),
              },
            ],
          },
        },
      },
    },
    { provider },
  );
  const service = new kubernetes.core.v1.Service(
    "MenuService",
    { metadata, spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: "http" }] } },
    { provider },
  );
  const binding = new kubernetes.apiextensions.CustomResource(
    "MenuTargetGroupBinding",
    {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata,
      spec: { serviceRef: { name: service.metadata.name, port }, targetGroupARN: targetGroup.arn, targetType: "ip" },
    },
    { provider, dependsOn: [k8s.loadBalancerController] },
  );
  return { repository, image, namespace, config, secret, deployment, service, binding };
}

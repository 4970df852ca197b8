/**
 * The Inventory service: its pods on EKS (3 replicas of 1 CPU and 1 GB, scaled to 10 on CPU), registered in
 * `inventory-service-tg` behind the ALB's `/api/inventory` rule; and the Lambda that keeps the MemoryDB counters in
 * step with the `store-inventory` stream.
 */
import { memoryDb as catalogMemoryDb, operatorToken, services, streamEventSourceMappings } from "@cloudcafe/catalog";
import { CONTAINER_SERVICE_DOCKERFILE } from "./compute-order.ts";
import type { EksPlatform, KubernetesOnEks } from "./compute-eks.ts";
import { catalogFunctionArgs, type FunctionContext, streamConsumerPermissions, subscribeStream } from "./functions.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

/** The architecture's sizing: 3 replicas of 1 CPU and 1 GB, an HPA from 3 to 10 pods at 80% CPU. */
export const INVENTORY_WORKLOAD = {
  namespace: "cloudcafe-inventory",
  name: "inventory-service",
  replicas: 3,
  requests: { cpu: "500m", memory: "512Mi" },
  limits: { cpu: "1", memory: "1Gi" },
  autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 80 },
} as const;

export interface InventoryLinks {
  table: sst.aws.Dynamo;
  /** The MemoryDB cluster and its IAM-authenticated user (data.ts). */
  memoryDb: { cluster: aws.memorydb.Cluster; username: $util.Input<string> };
  operatorToken: sst.Secret;
}

/** The `InventoryCounters` link: MemoryDB's cluster endpoint, its cluster name and IAM user (the service signs its own tokens). */
export function inventoryCountersLink(memoryDb: InventoryLinks["memoryDb"]) {
  const endpoint = memoryDbEndpoint(memoryDb.cluster);
  return new sst.Linkable(catalogMemoryDb.resource, {
    properties: { host: endpoint.host, port: endpoint.port, username: memoryDb.username, clusterName: memoryDb.cluster.name },
  });
}

/** The cluster's configuration endpoint (one per cluster). */
function memoryDbEndpoint(cluster: aws.memorydb.Cluster) {
  const first = cluster.clusterEndpoints.apply((endpoints) => endpoints?.[0]);
  return { host: first.apply((e) => e?.address ?? ""), port: first.apply((e) => e?.port ?? catalogMemoryDb.port) };
}

/** What the service and its stream consumer may do on the table: conditional reads and writes, no deletes. */
function tableStatements(table: sst.aws.Dynamo): aws.iam.PolicyStatement[] {
  return [
    {
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable"],
      Resource: table.arn,
    },
  ];
}

/**
 * The Inventory service's pods: its image (service.Dockerfile) in an ECR repository of its own, a Deployment with the
 * architecture's limits, a HorizontalPodAutoscaler on CPU, its links in a Secret, a Pod Identity role for DynamoDB and
 * MemoryDB (IAM authentication), a Service and a TargetGroupBinding that keeps the ready pods in `inventory-service-tg`.
 */
export function inventoryWorkload(
  eks: EksPlatform,
  k8s: KubernetesOnEks,
  targetGroup: aws.lb.TargetGroup,
  links: InventoryLinks,
  key: PlatformKey,
  settings: StageSettings,
) {
  const { provider } = k8s;
  const workload = INVENTORY_WORKLOAD;
  const repository = new aws.ecr.Repository("InventoryImages", {
    name: stageName("inventory-service"),
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
    forceDelete: !settings.production,
  });
  const registry = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  const image = new dockerbuild.Image("InventoryImage", {
    context: { location: $cli.paths.root },
    dockerfile: { location: `${$cli.paths.root}/${CONTAINER_SERVICE_DOCKERFILE}` },
    buildArgs: { SERVICE: "inventory" },
    platforms: ["linux/amd64"],
    push: true,
    tags: [$interpolate`${repository.repositoryUrl}:${$app.stage}`],
    registries: [{ address: repository.repositoryUrl, username: registry.userName, password: registry.password }],
  });

  const namespace = new kubernetes.core.v1.Namespace("InventoryNamespace", { metadata: { name: workload.namespace } }, { provider });
  const labels = { app: workload.name };
  const metadata = { name: workload.name, namespace: namespace.metadata.name, labels };
  const serviceAccount = new kubernetes.core.v1.ServiceAccount("InventoryServiceAccount", { metadata }, { provider });
  const role = new aws.iam.Role("InventoryPodRole", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    }),
    inlinePolicies: [
      {
        name: "access",
        policy: $jsonStringify({
          Version: "2012-10-17",
          Statement: [
            ...tableStatements(links.table),
            { Effect: "Allow", Action: ["memorydb:Connect"], Resource: [links.memoryDb.cluster.arn, $interpolate`arn:aws:memorydb:${settings.region}:${aws.getCallerIdentityOutput().accountId}:user/${links.memoryDb.username}`] },
            { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key.arn },
          ],
        }),
      },
    ],
  });
  new aws.eks.PodIdentityAssociation("InventoryPodRoleAssociation", { clusterName: eks.cluster.name, namespace: workload.namespace, serviceAccount: workload.name, roleArn: role.arn });

  const config = new kubernetes.core.v1.ConfigMap(
    "InventoryConfig",
    {
      metadata: { ...metadata, name: `${workload.name}-config` },
      data: {
        PORT: String(services.inventory.port),
        NODE_ENV: "production",
        // The heap well inside the 1 GB limit, leaving room for the restock storm's threads.
        NODE_OPTIONS: "--max-old-space-size=640",
        AWS_REGION: settings.region,
        INVENTORY_LOAD_STARTER: "true",
        SST_RESOURCE_App: JSON.stringify({ name: $app.name, stage: $app.stage }),
      },
    },
    { provider },
  );
  const counters = memoryDbEndpoint(links.memoryDb.cluster);
  const secret = new kubernetes.core.v1.Secret(
    "InventorySecret",
    {
      metadata: { ...metadata, name: `${workload.name}-links` },
      type: "Opaque",
      stringData: {
        SST_RESOURCE_StoreInventory: $jsonStringify({ name: links.table.name }),
        [`SST_RESOURCE_${catalogMemoryDb.resource}`]: $jsonStringify({ host: counters.host, port: counters.port, username: links.memoryDb.username, clusterName: links.memoryDb.cluster.name }),
        [`SST_RESOURCE_${operatorToken.resource}`]: $jsonStringify({ value: links.operatorToken.value }),
      },
    },
    { provider },
  );
  const port = services.inventory.port;
  const probe = (initialDelaySeconds: number) => ({ httpGet: { path: services.inventory.healthPath, port: "http" }, initialDelaySeconds, periodSeconds: 10 });
  const deployment = new kubernetes.apps.v1.Deployment(
    "InventoryDeployment",
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
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
            ],
            containers: [
              {
                name: "inventory",
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
  const autoscaler = new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
    "InventoryAutoscaler",
    {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
        minReplicas: workload.autoscaling.minReplicas,
        maxReplicas: workload.autoscaling.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: workload.autoscaling.cpuUtilization } } }],
      },
    },
    { provider },
  );
  const service = new kubernetes.core.v1.Service(
    "InventoryService",
    { metadata, spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: "http" }] } },
    { provider },
  );
  const binding = new kubernetes.apiextensions.CustomResource(
    "InventoryTargetGroupBinding",
    {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata,
      spec: { serviceRef: { name: service.metadata.name, port }, targetGroupARN: targetGroup.arn, targetType: "ip" },
    },
    { provider, dependsOn: [k8s.loadBalancerController] },
  );
  return { repository, image, namespace, role, config, secret, deployment, autoscaler, service, binding };
}

/** The `store-inventory` stream -> MemoryDB counters Lambda, with the catalog's mapping and its on-failure queue. */
export function inventoryStreamConsumer(ctx: FunctionContext, links: InventoryLinks, onFailure: sst.aws.Queue) {
  const spec = streamEventSourceMappings.inventoryCounters;
  const fn = new sst.aws.Function("InventoryStockStream", {
    ...catalogFunctionArgs(ctx, spec),
    link: [links.table, inventoryCountersLink(links.memoryDb)],
    permissions: [
      ctx.keyUsage,
      ...streamConsumerPermissions(links.table, onFailure),
      { actions: ["memorydb:Connect"], resources: [links.memoryDb.cluster.arn, $interpolate`arn:aws:memorydb:${ctx.settings.region}:${aws.getCallerIdentityOutput().accountId}:user/${links.memoryDb.username}`] },
    ],
  });
  const mapping = subscribeStream(links.table, fn, spec, onFailure);
  return { fn, mapping };
}

/**
 * The Inventory service: its pods on EKS (3 replicas of 1 CPU and 1 GB, scaled to 10 on CPU), registered in
 * `inventory-service-tg` behind the ALB's `/api/inventory` rule; and the Lambda that keeps the MemoryDB counters in
 * step with the `store-inventory` stream.
 */
import { memoryDb as catalogMemoryDb, operatorToken, serviceOrchestration, streamEventSourceMappings } from "@cloudcafe/catalog";
import type { EksPlatform, KubernetesOnEks } from "./compute-eks.ts";
import { eksServiceWorkload } from "./eks-workload.ts";
import { catalogFunctionArgs, type FunctionContext, streamConsumerPermissions, subscribeStream } from "./functions.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

/** The architecture's sizing: 3 replicas of 1 CPU and 1 GB, an HPA from 3 to 10 pods at 80% CPU. */
export const INVENTORY_WORKLOAD = {
  namespace: "cloudcafe-inventory",
  name: "inventory-service",
  replicas: serviceOrchestration.inventory.deployedReplicas,
  requests: { cpu: "500m", memory: "512Mi" },
  limits: { cpu: "1", memory: "1Gi" },
  autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 80 },
} as const;

/** The Lattice target group the pods put themselves in (the order flow's way to the reservations). */
export interface InventoryLattice {
  targetGroup: aws.vpclattice.TargetGroup;
}

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
 * The Inventory service's pods (eks-workload.ts) with a HorizontalPodAutoscaler on CPU: links to the table, MemoryDB
 * (its IAM user: the pods sign their own tokens, no password) and the operator token; a Pod Identity role for the table
 * and `memorydb:Connect`; registered in `inventory-service-tg` behind the ALB's `/api/inventory` rule, and each pod
 * puts itself in the VPC Lattice target group (its IP from the downward API), as ECS does for the order tasks.
 */
export function inventoryWorkload(
  eks: EksPlatform,
  k8s: KubernetesOnEks,
  targetGroup: aws.lb.TargetGroup,
  lattice: InventoryLattice,
  links: InventoryLinks,
  key: PlatformKey,
  settings: StageSettings,
) {
  const workload = INVENTORY_WORKLOAD;
  const namespace = new kubernetes.core.v1.Namespace("InventoryNamespace", { metadata: { name: workload.namespace } }, { provider: k8s.provider });
  const counters = memoryDbEndpoint(links.memoryDb.cluster);
  const pods = eksServiceWorkload(
    eks,
    k8s,
    targetGroup,
    {
      prefix: "Inventory",
      service: "inventory",
      name: workload.name,
      namespace,
      replicas: workload.replicas,
      requests: workload.requests,
      limits: workload.limits,
      config: {
        // The heap well inside the 1 GB limit, leaving room for the restock storm's threads.
        NODE_OPTIONS: "--max-old-space-size=640",
        AWS_REGION: settings.region,
        INVENTORY_LOAD_STARTER: "true",
        LATTICE_TARGET_GROUP_ARN: lattice.targetGroup.arn,
      },
      env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
      links: {
        SST_RESOURCE_StoreInventory: $jsonStringify({ name: links.table.name }),
        [`SST_RESOURCE_${catalogMemoryDb.resource}`]: $jsonStringify({ host: counters.host, port: counters.port, username: links.memoryDb.username, clusterName: links.memoryDb.cluster.name }),
        [`SST_RESOURCE_${operatorToken.resource}`]: $jsonStringify({ value: links.operatorToken.value }),
      },
      statements: [
        ...tableStatements(links.table),
        { Effect: "Allow", Action: ["memorydb:Connect"], Resource: memoryDbConnectResources(links.memoryDb, settings.region) },
        { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key.arn },
        { Effect: "Allow", Action: ["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets"], Resource: lattice.targetGroup.arn },
      ],
    },
    key,
    settings,
  );
  const autoscaler = new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
    "InventoryAutoscaler",
    {
      metadata: pods.metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: pods.deployment.metadata.name },
        minReplicas: workload.autoscaling.minReplicas,
        maxReplicas: workload.autoscaling.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: workload.autoscaling.cpuUtilization } } }],
      },
    },
    { provider: k8s.provider },
  );
  return { ...pods, namespace, autoscaler };
}

/** `memorydb:Connect` is granted on the cluster and on the user the connection authenticates as. */
function memoryDbConnectResources(memoryDb: InventoryLinks["memoryDb"], region: string) {
  return [memoryDb.cluster.arn, $interpolate`arn:aws:memorydb:${region}:${aws.getCallerIdentityOutput().accountId}:user/${memoryDb.username}`];
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
      { actions: ["memorydb:Connect"], resources: memoryDbConnectResources(links.memoryDb, ctx.settings.region) },
    ],
  });
  const mapping = subscribeStream(links.table, fn, spec, onFailure);
  return { fn, mapping };
}

/** What the order service needs to reach the reservations over VPC Lattice: the service's address, SigV4-signed calls. */
export function inventoryOrderEnvironment(latticeService: aws.vpclattice.Service): Record<string, $util.Input<string>> {
  const domain = latticeService.dnsEntries.apply((entries) => entries?.[0]?.domainName ?? "");
  return { INVENTORY_SERVICE_URL: $interpolate`http://${domain}`, INVENTORY_SERVICE_AUTH: "iam" };
}

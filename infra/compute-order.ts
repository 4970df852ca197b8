/**
 * The order service on ECS Fargate: 1 vCPU / 2 GB, 2-10 tasks on 70% CPU, on-demand base with Fargate Spot for the
 * burst capacity, `/health` checked by the ALB and by ECS, Container Insights on, tasks registered in the order VPC
 * Lattice target group by ECS itself. `sst dev` runs it locally instead.
 */
import { albRule, serviceOrchestration, services } from "@cloudcafe/catalog";
import { managedPolicy, serviceRoleWithAttachments } from "./iam.ts";
import type { Network, SecurityGroups } from "./network.ts";
import { stageName } from "./naming.ts";
import { encryptedLogGroup, keyUsage, type PlatformKey } from "./security.ts";
import { sstLogRetention, type StageSettings } from "./stage.ts";

export const ORDER_SERVER_ENTRY = "functions/order/src/server.ts";
export const CONTAINER_SERVICE_DOCKERFILE = "infra/docker/service.Dockerfile";
export const ORDER_SCALING = { min: serviceOrchestration.order.deployedReplicas, max: 10, cpuUtilization: 70 } as const;
/** Two tasks always run on regular Fargate; capacity above that is split evenly with Fargate Spot. */
export const ORDER_CAPACITY = { fargate: { base: 2, weight: 1 }, spot: { weight: 1 } } as const;
/** The container's named port mapping, which ECS registers in the VPC Lattice target group. */
export const ORDER_PORT_NAME = "order-http";
export const ECS_LATTICE_POLICY = managedPolicy("AmazonECSInfrastructureRolePolicyForVpcLattice");

/**
 * SST maps the whole port range without a name; VPC Lattice registration needs a named mapping, and the service
 * listens on one port only, so the container gets exactly that one (the ALB target group forwards to it too).
 */
function withNamedServicePort(containerDefinitions: string, port: number): string {
  const containers = JSON.parse(containerDefinitions) as Record<string, unknown>[];
  return JSON.stringify(
    containers.map((container) => ({ ...container, portMappings: [{ name: ORDER_PORT_NAME, containerPort: port, protocol: "tcp" }] })),
  );
}

/**
 * The ECS names, fixed here rather than read from the components: alarms and chaos targets need them, and SST does
 * not expose the ECS service in `sst dev` (the service runs locally then).
 */
export function orderEcsNames() {
  return { cluster: stageName("cluster"), service: stageName("order-service") };
}

export function orderCluster(net: Network, groups: SecurityGroups) {
  return new sst.aws.Cluster("Cluster", {
    vpc: {
      id: net.vpc.id,
      securityGroups: [groups.ecsTask.id],
      containerSubnets: net.privateSubnetIds,
      loadBalancerSubnets: net.publicSubnetIds,
      cloudmapNamespaceId: net.namespace.id,
      cloudmapNamespaceName: net.namespace.name,
    },
    transform: {
      cluster: (args) => {
        args.name = orderEcsNames().cluster;
        args.settings = [{ name: "containerInsights", value: "enhanced" }];
      },
    },
  });
}

export function orderService(
  cluster: sst.aws.Cluster,
  alb: sst.aws.Alb,
  lattice: { readonly targetGroupArn: $util.Input<string>; readonly invoke: $util.Input<any> },
  link: $util.Input<any>[],
  environment: Record<string, $util.Input<string>>,
  key: PlatformKey,
  settings: StageSettings,
  /** What must exist before a task starts (the deploy's database migration). */
  dependsOn: $util.Input<$util.Resource>[] = [],
) {
  const port = services.order.port;
  const rule = albRule("order");
  // The ECS infrastructure role ECS assumes to register and deregister the tasks in the Lattice target group.
  const latticeRole = serviceRoleWithAttachments("OrderLatticeRole", "ecs.amazonaws.com", [ECS_LATTICE_POLICY]);
  return new sst.aws.Service("OrderService", {
    cluster,
    cpu: "1 vCPU",
    memory: "2 GB",
    image: { context: ".", dockerfile: CONTAINER_SERVICE_DOCKERFILE, args: { SERVICE: "order" } },
    link,
    // It may call the Lattice services (SigV4-signed, as their auth policies require).
    permissions: [keyUsage(key), lattice.invoke],
    environment: { PORT: String(port), NODE_ENV: "production", ...environment },
    scaling: { ...ORDER_SCALING, min: settings.orderMinTasks, memoryUtilization: false },
    capacity: ORDER_CAPACITY,
    health: {
      command: ["CMD-SHELL", `node -e "fetch('http://127.0.0.1:${port}${services.order.healthPath}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`],
      startPeriod: "30 seconds",
      interval: "30 seconds",
      timeout: "5 seconds",
      retries: 3,
    },
    logging: { retention: sstLogRetention(settings), name: `/ecs/${stageName("order-service")}` },
    loadBalancer: {
      instance: alb,
      // One path per SST rule, so the order service's two patterns take consecutive priorities.
      rules: rule.pathPatterns.map((path, i) => ({
        listen: settings.domain ? ("443/https" as const) : ("80/http" as const),
        forward: `${port}/http` as const,
        conditions: { path },
        priority: rule.priority + i,
      })),
      health: {
        [`${port}/http` as const]: { path: services.order.healthPath, interval: "15 seconds" as const, healthyThreshold: 2 },
      },
    },
    dev: { command: `npx tsx watch ${ORDER_SERVER_ENTRY}` },
    transform: {
      logGroup: encryptedLogGroup(key),
      taskDefinition: (args) => {
        args.containerDefinitions = $output(args.containerDefinitions).apply((json) => withNamedServicePort(json, port));
      },
      service: (args, opts) => {
        args.name = orderEcsNames().service;
        args.enableExecuteCommand = false;
        args.vpcLatticeConfigurations = [
          { roleArn: latticeRole.role.arn, targetGroupArn: lattice.targetGroupArn, portName: ORDER_PORT_NAME },
        ];
        opts.dependsOn = latticeRole.attachments;
      },
    },
  }, { dependsOn });
}

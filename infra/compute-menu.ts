/**
 * The Menu service on ECS Fargate, for stages without EKS and DocumentDB (the lean profile): one small task in the
 * order service's cluster, its menu in Aurora PostgreSQL (`MENU_STORE=postgres`, the same documents and API), registered
 * in the ALB's menu target group, so `/api/menu/*` and the order service's pricing work on a personal stage. The full
 * profile runs it on EKS over DocumentDB (compute-eks.ts).
 */
import { services } from "@cloudcafe/catalog";
import { CONTAINER_SERVICE_DOCKERFILE } from "./compute-order.ts";
import { stageName } from "./naming.ts";
import { encryptedLogGroup, keyUsage, type PlatformKey } from "./security.ts";
import { sstLogRetention, type StageSettings } from "./stage.ts";

/** A personal stage's menu traffic: a quarter of a vCPU idles, a second task takes a stress run or a sync. */
export const LEAN_MENU_SCALING = { min: 1, max: 2, cpuUtilization: 70 } as const;
/** SST names the task's one container after the component; the target group attachment names it too. */
const CONTAINER = "MenuService";

export function menuOnFargate(
  cluster: sst.aws.Cluster,
  targetGroup: aws.lb.TargetGroup,
  link: $util.Input<any>[],
  key: PlatformKey,
  settings: StageSettings,
  dependsOn: $util.Input<$util.Resource>[],
) {
  const port = services.menu.port;
  return new sst.aws.Service(
    CONTAINER,
    {
      cluster,
      cpu: "0.25 vCPU",
      memory: "0.5 GB",
      image: { context: ".", dockerfile: CONTAINER_SERVICE_DOCKERFILE, args: { SERVICE: "menu" } },
      link,
      permissions: [keyUsage(key)],
      environment: { PORT: String(port), NODE_ENV: "production", MENU_STORE: "postgres", DOCUMENTDB_POOL_MAX: "5" },
      scaling: { ...LEAN_MENU_SCALING, memoryUtilization: false },
      capacity: "spot",
      health: {
        command: ["CMD-SHELL", `node -e "fetch('http://127.0.0.1:${port}${services.menu.healthPath}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`],
        startPeriod: "30 seconds",
        interval: "30 seconds",
        timeout: "5 seconds",
        retries: 3,
      },
      logging: { retention: sstLogRetention(settings), name: `/ecs/${stageName("menu-service")}` },
      transform: {
        logGroup: encryptedLogGroup(key),
        service: (args) => {
          args.name = stageName("menu-service");
          args.enableExecuteCommand = false;
          // The ALB's /api/menu rule and its IP target group exist for every profile (edge.ts); ECS registers the tasks.
          args.loadBalancers = [{ targetGroupArn: targetGroup.arn, containerName: CONTAINER, containerPort: port }];
          args.healthCheckGracePeriodSeconds = 60;
        },
      },
    },
    { dependsOn },
  );
}

import { type FaultId, longRunningWorkers } from "@cloudcafe/catalog";
import { dynamoThrottlingParameters, egressFailureParameters, functionThrottlingParameters } from "@cloudcafe/core";
import type { FaultInjector } from "./injector.ts";
import { applicationFaultInjector } from "./injectors/application-fault.ts";
import { auroraFailoverInjector } from "./injectors/aurora-failover.ts";
import { ingressRevocationInjector, processKillInjector, type ProcessControls, type RouteControls, ruleDeletionInjector } from "./injectors/compute.ts";
import { documentDbConnectionExhaustionInjector } from "./injectors/documentdb-connection-exhaustion.ts";
import { elasticacheFlushInjector } from "./injectors/elasticache-flush.ts";
import { memoryDbRestartInjector } from "./injectors/memorydb-restart.ts";
import { redisEvictionPressureInjector } from "./injectors/redis-eviction-pressure.ts";

export interface LocalFaultTargets {
  /** The platform's database (its URL names it) and the server's maintenance database beside it. */
  readonly databaseUrl: string;
  readonly cacheUrl: string;
  readonly memoryDb?: { readonly url: string; readonly serverArgs: readonly string[] };
  readonly documentDbUrl?: string;
}

/** The controls the compute and network faults act through, as `npm start` has them once its services run. */
export interface PlatformControls {
  /** The supervisor: the compute faults. */
  readonly processes?: ProcessControls;
  /** The gateway's controls: the network faults. */
  readonly routes?: RouteControls;
}

function maintenanceUrl(databaseUrl: string): { adminUrl: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  return { adminUrl: url.toString(), database };
}

/** The data-store and application faults' local mechanisms, keyed by fault id. */
export function localFaultInjectors(targets: LocalFaultTargets): Partial<Record<FaultId, FaultInjector>> {
  return {
    "aurora-failover": auroraFailoverInjector(maintenanceUrl(targets.databaseUrl)),
    "elasticache-flush": elasticacheFlushInjector({ cacheUrl: targets.cacheUrl }),
    "redis-eviction-pressure": redisEvictionPressureInjector({ cacheUrl: targets.cacheUrl }),
    ...(targets.memoryDb ? { "memorydb-restart": memoryDbRestartInjector(targets.memoryDb) } : {}),
    ...(targets.documentDbUrl ? { "documentdb-connection-exhaustion": documentDbConnectionExhaustionInjector({ url: targets.documentDbUrl }) } : {}),
    "dynamodb-throttling": applicationFaultInjector(dynamoThrottlingParameters, "the services' DynamoDB client middleware answers the share of calls with throttling errors"),
    "nat-gateway-failure": applicationFaultInjector(egressFailureParameters, "the payment processor's calls to the payment gateway time out"),
    "lambda-throttling": applicationFaultInjector(functionThrottlingParameters, "the local event source does not invoke the throttled functions"),
  };
}

/**
 * The compute and network faults' mechanisms, through the supervisor (copies killed; it restarts them after the
 * registry's local reschedule or replacement time) and the gateway (a rule dropped, the order targets black-holed).
 */
export function platformFaultInjectors({ processes, routes }: PlatformControls): Partial<Record<FaultId, FaultInjector>> {
  return {
    ...(processes
      ? {
          // Each with a replacement delay: compiled, a copy is back within a second, far sooner than any orchestrator
          // replaces one (and than its alarm's local periods), so the loss would go unseen.
          "ecs-task-termination": processKillInjector(processes, [{ service: "order", signal: "SIGKILL" }], { defaultFraction: 0.5, defaultRestartDelaySeconds: 10 }),
          "eks-node-drain": processKillInjector(processes, [{ service: "menu", signal: "SIGTERM" }, { service: "inventory", signal: "SIGTERM" }], {
            defaultFraction: 1,
            defaultRestartDelaySeconds: 12,
          }),
          "ec2-instance-termination": processKillInjector(
            processes,
            [{ service: "loyalty", signal: "SIGKILL" }, { service: longRunningWorkers.analytics.name, signal: "SIGKILL" }],
            { defaultFraction: 1, defaultRestartDelaySeconds: 10 },
          ),
        }
      : {}),
    ...(routes ? { "alb-rule-deletion": ruleDeletionInjector(routes, "order"), "sg-ingress-revocation": ingressRevocationInjector(routes, "order") } : {}),
  };
}

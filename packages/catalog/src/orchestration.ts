/**
 * How each service and long-running worker is kept running deployed (its orchestrator), how many copies run, and how
 * long the orchestrator takes to bring a lost copy back. `infra/` sizes the deployed services from it and the local
 * supervisor (`packages/local/src/process/supervisor.ts`) runs and restarts the local processes the same way, reporting
 * these expected times beside the ones it measures.
 */
import type { ServiceKey } from "./services.ts";
import type { longRunningWorkers } from "./functions.ts";

/** What keeps a process running deployed. */
export type Orchestrator = "ecs" | "kubernetes" | "ec2-asg" | "lambda";

/**
 * How a copy is lost: its process exits on a host that lives on (a crash, an OOM kill), or its host goes with it
 * (a task stopped, a node drained, an instance terminated: what the chaos scenarios do).
 */
export type CopyLoss = "process-exit" | "host-loss";

export interface OrchestratorRecovery {
  /** What brings the copy back deployed. */
  readonly mechanism: string;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** Where the numbers come from; "estimate" where neither the architecture nor AWS documents a figure. */
  readonly basis: string;
}

export interface OrchestratorSpec {
  readonly name: string;
  /** When a copy stops, which copies are brought back. */
  readonly restartPolicy: string;
  readonly recovery: Readonly<Record<CopyLoss, OrchestratorRecovery>>;
}

const ecsReplacement: OrchestratorRecovery = {
  mechanism: "the ECS service scheduler starts a replacement task (placement, image pull, start, ALB health checks)",
  minSeconds: 60,
  maxSeconds: 90,
  basis: "architecture, Recovery Mechanisms: ECS task kill, ECS auto-recovery, 60-90 seconds",
};

/** The expected recoveries, in one place. */
export const orchestrators = {
  ecs: {
    name: "ECS service on Fargate",
    restartPolicy: "keeps the desired count: any stopped task, whatever its exit, is replaced by a new task",
    recovery: { "process-exit": ecsReplacement, "host-loss": ecsReplacement },
  },
  kubernetes: {
    name: "Kubernetes Deployment on EKS",
    restartPolicy: "restartPolicy Always: the kubelet restarts an exited container; an evicted pod is replaced by its ReplicaSet",
    recovery: {
      "process-exit": {
        mechanism: "the kubelet restarts the container in place, then its readiness probe (initial delay 5 s, every 10 s) admits it",
        minSeconds: 5,
        maxSeconds: 20,
        basis:
          "Kubernetes Pod Lifecycle: the first restart is immediate, later ones back off 10 s, 20 s, 40 s ... capped at 5 minutes; probes in infra/eks-workload.ts",
      },
      "host-loss": {
        mechanism: "the ReplicaSet creates a replacement pod, the scheduler places it on another node, it starts and passes its readiness probe",
        minSeconds: 30,
        maxSeconds: 120,
        basis: "the fault registry's eks-node-drain (faults.ts): scheduling, image pull and the readiness probe (initial delay 5 s, every 10 s)",
      },
    },
  },
  "ec2-asg": {
    name: "EC2 Auto Scaling group, the process under systemd",
    restartPolicy: "systemd Restart=always restarts the unit after any exit; the Auto Scaling group replaces a lost instance",
    recovery: {
      "process-exit": {
        mechanism: "systemd restarts the unit (Restart=always, RestartSec=5) and the container starts again",
        minSeconds: 5,
        maxSeconds: 15,
        basis: "the unit in infra/ec2-user-data.ts (RestartSec=5), plus the container's start",
      },
      "host-loss": {
        mechanism: "the Auto Scaling group launches a replacement instance: boot, user data (Docker, image pull), the unit starts, the NLB health checks pass",
        minSeconds: 120,
        maxSeconds: 300,
        basis: "the fault registry's ec2-instance-termination (faults.ts): launch, boot, user data, NLB health checks; grace period 300 s (infra/compute-ec2.ts)",
      },
    },
  },
  lambda: {
    name: "Lambda",
    restartPolicy: "no process to keep: the next invocation starts a new execution environment",
    recovery: {
      "process-exit": { mechanism: "the next invocation gets a new execution environment (a cold start)", minSeconds: 0, maxSeconds: 2, basis: "estimate: one cold start" },
      "host-loss": { mechanism: "the next invocation gets a new execution environment (a cold start)", minSeconds: 0, maxSeconds: 2, basis: "estimate: one cold start" },
    },
  },
} as const satisfies Record<Orchestrator, OrchestratorSpec>;

export interface ServiceOrchestration {
  readonly orchestrator: Orchestrator;
  /** Copies running deployed (the ECS desired count, the Deployment's replicas, the Auto Scaling group's minimum). */
  readonly deployedReplicas: number;
  /** Copies `npm start` runs (`CLOUDCAFE_<SERVICE>_REPLICAS` overrides), each on its own port behind the gateway. */
  readonly localReplicas: number;
  /** The path that answers 200 once a copy can take traffic (the supervisor's "ready again"). */
  readonly readyPath: string;
  /**
   * Environment of every local copy but the first: jobs that must run once, which deployed run elsewhere (the
   * loyalty batch is started by EventBridge and the instances seed nothing, as `infra/loyalty.ts` sets them).
   */
  readonly extraReplicaEnv?: Readonly<Record<string, string>>;
}

export const serviceOrchestration = {
  // Two copies locally, as the ECS service's desired count: killing one (ecs-task-termination) leaves one serving.
  order: { orchestrator: "ecs", deployedReplicas: 2, localReplicas: 2, readyPath: "/ready" },
  menu: { orchestrator: "kubernetes", deployedReplicas: 3, localReplicas: 1, readyPath: "/ready" },
  inventory: { orchestrator: "kubernetes", deployedReplicas: 3, localReplicas: 1, readyPath: "/ready" },
  loyalty: {
    orchestrator: "ec2-asg",
    deployedReplicas: 2,
    localReplicas: 1,
    readyPath: "/ready",
    extraReplicaEnv: { LOYALTY_BATCH_INTERVAL_MS: "0", LOYALTY_SEED_USERS: "0" },
  },
  // The read API is a Lambda deployed; locally a process behind the gateway.
  analytics: { orchestrator: "lambda", deployedReplicas: 1, localReplicas: 1, readyPath: "/ready" },
} as const satisfies Record<ServiceKey, ServiceOrchestration>;

/** The long-running workers: no HTTP, one copy each (the analytics worker holds its shards' leases). */
export const workerOrchestration = {
  analytics: { orchestrator: "ec2-asg" },
} as const satisfies Record<keyof typeof longRunningWorkers, { readonly orchestrator: Orchestrator }>;

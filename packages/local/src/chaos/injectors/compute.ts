import { z } from "zod";
import type { FaultInjector } from "../injector.ts";

/** What the compute faults need of the supervisor (`packages/local/src/process/supervisor.ts`). */
export interface ProcessControls {
  /** Kills running copies of `service`; the supervisor brings them back as the orchestrator would. */
  kill(
    service: string,
    options?: { fraction?: number; count?: number; signal?: NodeJS.Signals; restartDelayMs?: number },
  ): readonly { readonly service: string; readonly pid: number }[];
}

/** What the network faults need of the gateway's controls (`GatewayControl` in packages/local/src/gateway.ts). */
export interface RouteControls {
  targets(service: string): readonly { readonly url: string }[];
  disableRule(service: string): void;
  enableRule(service: string): void;
  blackholeTarget(url: string, mode?: "timeout" | "refuse"): void;
  restoreTarget(url: string): void;
}

/**
 * Copies of services killed at once (ecs-task-termination, eks-node-drain, ec2-instance-termination): nothing to
 * revert, the supervisor restarts them as ECS, Kubernetes or the Auto Scaling group would; the recovery is what the
 * game day measures. Killing nothing (nothing running) fails the injection.
 */
export function processKillInjector(
  processes: ProcessControls,
  victims: readonly { readonly service: string; readonly signal: NodeJS.Signals }[],
  options: { readonly defaultFraction: number; readonly defaultRestartDelaySeconds?: number },
): FaultInjector {
  const parameters = z
    .object({
      fraction: z.coerce.number().gt(0).max(1).default(options.defaultFraction),
      /** How long before the supervisor starts a copy again: a pod's reschedule, an instance's replacement. */
      restartDelaySeconds: z.coerce.number().min(0).max(60).optional(),
    })
    .strict();
  return {
    parameters,
    async inject({ parameters: raw }) {
      const { fraction, restartDelaySeconds = options.defaultRestartDelaySeconds } = parameters.parse(raw);
      const delay = restartDelaySeconds === undefined ? {} : { restartDelayMs: restartDelaySeconds * 1_000 };
      const killed = victims.flatMap(({ service, signal }) => processes.kill(service, { fraction, signal, ...delay }));
      if (killed.length === 0) throw new Error(`no running copy of ${victims.map(({ service }) => service).join(", ")} to kill`);
      return {
        effect: { killed: killed.length, pids: killed.map(({ service, pid }) => `${service}:${pid}`).join(", ") },
        revert: async () => {},
      };
    },
  };
}

/** `alb-rule-deletion` locally: the gateway drops `service`'s path rule until the fault ends (the stack's re-apply). */
export function ruleDeletionInjector(routes: RouteControls, service: string): FaultInjector {
  return {
    parameters: z.object({}).strict(),
    async inject() {
      routes.disableRule(service);
      return { effect: { ruleDisabled: service }, revert: async () => routes.enableRule(service) };
    },
  };
}

/** `sg-ingress-revocation` locally: the gateway's connections to every target of `service` are black-holed. */
export function ingressRevocationInjector(routes: RouteControls, service: string): FaultInjector {
  const parameters = z.object({ mode: z.enum(["timeout", "refuse"]).default("timeout") }).strict();
  return {
    parameters,
    async inject({ parameters: raw }) {
      const { mode } = parameters.parse(raw);
      const targets = routes.targets(service).map(({ url }) => url);
      if (targets.length === 0) throw new Error(`the gateway has no target for ${service}`);
      for (const url of targets) routes.blackholeTarget(url, mode);
      return {
        effect: { targetsBlackholed: targets.length, mode },
        revert: async () => targets.forEach((url) => routes.restoreTarget(url)),
      };
    },
  };
}

import type { z } from "zod";
import type { FaultInjector } from "../injector.ts";

/**
 * A fault the services cause in themselves (nat-gateway-failure, dynamodb-throttling, lambda-throttling): injecting it
 * only puts it in the control plane's fault document, which the services' fault source reads (within a second) and
 * the pollers read in process. What each one does, and the metric it counts, is in its adapter (see
 * packages/adapters/src/chaos).
 */
export function applicationFaultInjector(parameters: z.ZodType<Record<string, unknown>>, effect: string): FaultInjector {
  return {
    parameters,
    readByServices: true,
    inject: async () => ({ effect: { mechanism: effect }, revert: async () => {} }),
  };
}

import { createServiceStress } from "@cloudcafe/stress";

/** The Loyalty service's stress control: the batch calculation (see `createServiceStress`). */
export function createLoyaltyStress(operatorToken: string | undefined, workerFile?: string) {
  return createServiceStress({ scenarios: ["batch-calculation"], operatorToken, workerFile });
}

import { createServiceStress } from "@cloudcafe/stress";

/** The Order service's stress control: the morning-rush scenario (see `createServiceStress`). */
export function createOrderStress(operatorToken: string | undefined, workerFile?: string) {
  return createServiceStress({ scenarios: ["morning-rush"], operatorToken, workerFile });
}

import { createServiceStress } from "@cloudcafe/stress";

/** The Menu service's stress control: the menu sync storm (see `createServiceStress`). */
export function createMenuStress(operatorToken: string | undefined, workerFile?: string) {
  return createServiceStress({ scenarios: ["menu-sync"], operatorToken, workerFile });
}

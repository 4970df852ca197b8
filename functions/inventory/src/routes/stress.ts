import { createServiceStress } from "@cloudcafe/stress";

/** The Inventory service's stress control: the restock storm (see `createServiceStress`). */
export function createInventoryStress(operatorToken: string | undefined, workerFile?: string) {
  return createServiceStress({ scenarios: ["restock"], operatorToken, workerFile });
}

/**
 * After the reconciliation, the game day's paid orders are walked through the barista's stages to COLLECTED, as a
 * store would hand them over: a game day sends thousands of orders, and left at PAID they would fill the stores'
 * queues (the barista view shows the oldest first) in front of the orders people place in the console. Each move is
 * the order service's idempotent stage transition, so a repeated move changes nothing.
 */
import { type BaristaStage, baristaStages } from "@cloudcafe/core";
import type { PlatformClient } from "./platform-client.ts";

/** Moves in flight at once: enough to finish in seconds, few enough not to load the platform. */
const CONCURRENCY = 4;

export interface HandOverResult {
  readonly collected: number;
  readonly failed: readonly { readonly orderId: string; readonly error: string }[];
}

/** The stages still ahead of an order at `status`; none for an order that is not in a store's queue. */
export function stagesAfter(status: string): readonly BaristaStage[] {
  if (status === "PAID") return baristaStages;
  const index = (baristaStages as readonly string[]).indexOf(status);
  return index === -1 ? [] : baristaStages.slice(index + 1);
}

export async function handOverPaidOrders(platform: PlatformClient, orders: readonly { readonly orderId: string; readonly status: string | undefined }[]): Promise<HandOverResult> {
  const queue = orders.filter((order) => order.status !== undefined && stagesAfter(order.status).length > 0);
  const failed: { orderId: string; error: string }[] = [];
  let collected = 0;
  const worker = async () => {
    for (let order = queue.shift(); order; order = queue.shift()) {
      try {
        for (const stage of stagesAfter(order.status!)) await platform.advanceOrder(order.orderId, stage);
        collected++;
      } catch (error) {
        failed.push({ orderId: order.orderId, error: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { collected, failed };
}

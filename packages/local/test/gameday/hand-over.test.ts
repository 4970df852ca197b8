import { describe, expect, it } from "vitest";
import { handOverPaidOrders, stagesAfter } from "../../src/gameday/hand-over.ts";
import type { PlatformClient } from "../../src/gameday/platform-client.ts";

/** A platform that records the barista moves it is asked for, refusing those of `refused` orders. */
function recordingPlatform(refused: readonly string[] = []) {
  const moves: string[] = [];
  const platform: Pick<PlatformClient, "advanceOrder"> = {
    async advanceOrder(orderId, stage) {
      if (refused.includes(orderId)) throw new Error(`POST /api/orders/${orderId}/stage: 409 conflict`);
      moves.push(`${orderId}:${stage}`);
    },
  };
  return { moves, platform: platform as PlatformClient };
}

describe("handing the game day's paid orders over", () => {
  it("walks each order in a store's queue through the stages still ahead of it, in order, and leaves the others alone", async () => {
    const { moves, platform } = recordingPlatform();
    const result = await handOverPaidOrders(platform, [
      { orderId: "paid", status: "PAID" },
      { orderId: "ready", status: "READY" },
      { orderId: "declined", status: "PAYMENT_FAILED" },
      { orderId: "done", status: "COLLECTED" },
      { orderId: "missing", status: undefined },
    ]);
    expect(result).toEqual({ collected: 2, failed: [] });
    expect(moves.filter((move) => move.startsWith("paid:"))).toEqual(["paid:PREPARING", "paid:READY", "paid:COLLECTED"]);
    expect(moves.filter((move) => !move.startsWith("paid:"))).toEqual(["ready:COLLECTED"]);
  });

  it("reports an order it could not move and carries on with the rest", async () => {
    const { moves, platform } = recordingPlatform(["stuck"]);
    const result = await handOverPaidOrders(platform, [
      { orderId: "stuck", status: "PREPARING" },
      { orderId: "fine", status: "PREPARING" },
    ]);
    expect(result.collected).toBe(1);
    expect(result.failed).toEqual([{ orderId: "stuck", error: "POST /api/orders/stuck/stage: 409 conflict" }]);
    expect(moves).toEqual(["fine:READY", "fine:COLLECTED"]);
    expect(stagesAfter("CANCELLED")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/errors.ts";
import { type TrackedOrder, addOrder, applyOrderRead, customerTimeline } from "../src/orders/order-list.ts";
import { describeError } from "../src/views/describe-error.ts";
import { order } from "./factories.ts";

const tracked = (overrides: Partial<TrackedOrder> = {}): TrackedOrder => ({ order: order(), traceId: "a".repeat(32), replayed: false, tracking: "polling", ...overrides });

describe("order list", () => {
  it("lists new orders first and keeps the creating trace when a replay returns a listed order", () => {
    const first = tracked();
    const second = tracked({ order: order({ orderId: `ord_${"0".repeat(31)}2` }) });
    const list = addOrder(addOrder([], first), second);
    expect(list.map((entry) => entry.order.orderId)).toEqual([second.order.orderId, first.order.orderId]);

    const replay = addOrder(list, tracked({ order: order({ status: "PAID", version: 2 }), traceId: "b".repeat(32), replayed: true }));
    expect(replay).toHaveLength(2);
    expect(replay[1]).toMatchObject({ traceId: "a".repeat(32), order: { status: "PAID" } });
  });

  it("ignores a read older than the order shown", () => {
    const list = [tracked({ order: order({ status: "PAID", version: 2 }) })];
    expect(applyOrderRead(list, order({ status: "PENDING", version: 1 }))[0]!.order.status).toBe("PAID");
  });

  it("shows only the signed-in customer's timeline: their listed orders updated by the history, the rest of the history added", () => {
    const placedHere = tracked({ order: order({ orderId: `ord_${"0".repeat(31)}1`, customerId: "ana", status: "PAID", version: 2 }) });
    const someoneElse = tracked({ order: order({ orderId: `ord_${"0".repeat(31)}2`, customerId: "bo" }) });
    const history = [
      order({ orderId: `ord_${"0".repeat(31)}3`, customerId: "ana", status: "COLLECTED", version: 5 }),
      order({ orderId: placedHere.order.orderId, customerId: "ana", status: "READY", version: 4 }),
    ];
    const timeline = customerTimeline([placedHere, someoneElse], "ana", history);
    expect(timeline.map((entry) => [entry.order.orderId, entry.order.status, entry.tracking])).toEqual([
      [placedHere.order.orderId, "READY", "polling"],
      [history[0]!.orderId, "COLLECTED", "settled"],
    ]);
    // The trace that created the order here stays with it.
    expect(timeline[0]!.traceId).toBe(placedHere.traceId);
    expect(customerTimeline(timeline, "bo", [])).toEqual([]);
  });
});

describe("error descriptions", () => {
  const error = (code: ConstructorParameters<typeof ApiError>[0], status: number) => new ApiError(code, "server message", status, "c".repeat(32));

  it("tells the operator what to do about 401 and 403", () => {
    expect(describeError(error("UNAUTHORIZED", 401))).toMatch(/token required/i);
    expect(describeError(error("FORBIDDEN", 403))).toMatch(/token rejected/i);
  });

  it("names the status and code of other answers", () => {
    expect(describeError(error("CONFLICT", 409))).toBe("server message (HTTP 409 CONFLICT)");
  });
});

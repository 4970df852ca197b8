import { describe, expect, it } from "vitest";
import { orderTimeline } from "../src/orders/timeline.ts";
import { order } from "./factories.ts";

const steps = (...args: Parameters<typeof order>) => orderTimeline(order(...args)).map((step) => `${step.label} ${step.state}${step.at ? ` @${step.at.slice(11, 16)}` : ""}`);

describe("order timeline", () => {
  it("walks a paid order through the barista's stages, with the times the order knows", () => {
    expect(steps({ status: "PENDING" })).toEqual(["Placed current @08:00", "Paid upcoming", "Preparing upcoming", "Ready upcoming", "Collected upcoming"]);
    expect(steps({ status: "READY", paidAt: "2026-01-01T08:01:00.000Z", updatedAt: "2026-01-01T08:05:00.000Z" })).toEqual([
      "Placed done @08:00",
      "Paid done @08:01",
      "Preparing done",
      "Ready current @08:05",
      "Collected upcoming",
    ]);
  });

  it("ends at a failed payment or a rejection, with the reason", () => {
    expect(steps({ status: "PAYMENT_FAILED", failureReason: "card declined", updatedAt: "2026-01-01T08:02:00.000Z" })).toEqual([
      "Placed done @08:00",
      "Payment failed: card declined current @08:02",
    ]);
    expect(steps({ status: "REJECTED", failureReason: "order total must be positive" })).toEqual(["Placed done @08:00", "Rejected: order total must be positive current @08:00"]);
  });

  it("shows a store's cancel with its reason, then the refund", () => {
    const cancelled = { failureReason: "Out of oat milk", paidAt: "2026-01-01T08:01:00.000Z", updatedAt: "2026-01-01T08:03:00.000Z" };
    expect(steps({ status: "CANCELLED", ...cancelled })).toEqual([
      "Placed done @08:00",
      "Paid done @08:01",
      "Cancelled by the store: Out of oat milk current @08:03",
      "Refunded upcoming",
    ]);
    expect(steps({ status: "REFUNDED", ...cancelled })).toEqual(["Placed done @08:00", "Paid done @08:01", "Cancelled by the store: Out of oat milk done", "Refunded current @08:03"]);
  });
});

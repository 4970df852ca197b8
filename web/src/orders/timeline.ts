import type { Order } from "../api/types.ts";

export interface TimelineStep {
  label: string;
  state: "done" | "current" | "upcoming";
  /** When the order reached it, where the order says: created, paid, and its latest change. */
  at?: string;
}

const KITCHEN = ["PAID", "PREPARING", "READY", "COLLECTED"] as const;
const KITCHEN_LABELS: Record<(typeof KITCHEN)[number], string> = { PAID: "Paid", PREPARING: "Preparing", READY: "Ready", COLLECTED: "Collected" };

/**
 * An order's way so far and what comes next: placed, then paid (or payment failed, or rejected, with the reason), then
 * the barista's stages, or the store's cancel and its refund.
 */
export function orderTimeline(order: Order): TimelineStep[] {
  const placed: TimelineStep = { label: "Placed", state: order.status === "PENDING" ? "current" : "done", at: order.createdAt };
  const reason = order.failureReason ? `: ${order.failureReason}` : "";
  switch (order.status) {
    case "PAYMENT_FAILED":
      return [placed, { label: `Payment failed${reason}`, state: "current", at: order.updatedAt }];
    case "REJECTED":
      return [placed, { label: `Rejected${reason}`, state: "current", at: order.updatedAt }];
    case "CANCELLED":
    case "REFUNDED":
      return [
        placed,
        { label: "Paid", state: "done", ...(order.paidAt ? { at: order.paidAt } : {}) },
        { label: `Cancelled by the store${reason}`, state: order.status === "CANCELLED" ? "current" : "done", ...(order.status === "CANCELLED" ? { at: order.updatedAt } : {}) },
        { label: "Refunded", state: order.status === "REFUNDED" ? "current" : "upcoming", ...(order.status === "REFUNDED" ? { at: order.updatedAt } : {}) },
      ];
    default: {
      const reached = KITCHEN.indexOf(order.status as (typeof KITCHEN)[number]);
      return [
        placed,
        ...KITCHEN.map((status, index): TimelineStep => {
          const state = index < reached ? "done" : index === reached ? "current" : "upcoming";
          const at = status === "PAID" ? order.paidAt : index === reached ? order.updatedAt : undefined;
          return { label: KITCHEN_LABELS[status], state, ...(at && state !== "upcoming" ? { at } : {}) };
        }),
      ];
    }
  }
}

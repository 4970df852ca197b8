import type { OrderStatus } from "../api/types.ts";

/** Nothing more will happen to the order: collected, or it never got paid. */
export const isFinal = (status: OrderStatus) => ["COLLECTED", "PAYMENT_FAILED", "REJECTED", "REFUNDED"].includes(status);

/**
 * How following an order ended: `settled` (final), `gave-up` (no change for a long while: the history poll stopped),
 * `not-found` and `aborted` (kept so orders saved by an older console still read).
 */
export type TrackOutcome = "settled" | "gave-up" | "not-found" | "aborted";

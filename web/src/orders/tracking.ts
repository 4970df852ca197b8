import { sleep as realSleep } from "@cloudcafe/core/sleep";
import type { ApiClient } from "../api/client.ts";
import { isApiError } from "../api/errors.ts";
import type { Order, OrderStatus } from "../api/types.ts";
import type { Sleep } from "../wait.ts";

/** Payment has settled the order (paid, or failed or rejected). */
export const isSettled = (status: OrderStatus) => status !== "PENDING";
/** Nothing more will happen to the order: collected, or it never got paid. */
export const isFinal = (status: OrderStatus) => ["COLLECTED", "PAYMENT_FAILED", "REJECTED", "REFUNDED"].includes(status);

export interface TrackOptions {
  /** First wait between reads; it grows by half each time up to `maxIntervalMs` (payment takes ~1-6 s locally). */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Reads in all before giving up and leaving the order shown as pending. */
  maxReads?: number;
  signal?: AbortSignal;
  sleep?: Sleep;
  onUpdate?: (order: Order, traceId: string) => void;
  /** When to stop following: by default once payment settles it; the order list follows it to the end. */
  until?: (status: OrderStatus) => boolean;
  /** A read failed; tracking goes on unless the error says the order does not exist. */
  onError?: (error: Error) => void;
}

export type TrackOutcome = "settled" | "gave-up" | "not-found" | "aborted";

/** Polls an order until its status leaves PENDING (or `until` says so), reporting every read. */
export async function trackOrder(client: Pick<ApiClient, "getOrder">, orderId: string, options: TrackOptions = {}): Promise<TrackOutcome> {
  const maxIntervalMs = options.maxIntervalMs ?? 3_000;
  const maxReads = options.maxReads ?? 40;
  const wait = options.sleep ?? realSleep;
  let interval = options.intervalMs ?? 750;
  for (let read = 1; read <= maxReads; read++) {
    try {
      await wait(interval, options.signal);
    } catch (error) {
      if (options.signal?.aborted) return "aborted";
      throw error;
    }
    if (options.signal?.aborted) return "aborted";
    try {
      const { data, traceId } = await client.getOrder(orderId, options.signal);
      options.onUpdate?.(data, traceId);
      if ((options.until ?? isSettled)(data.status)) return "settled";
    } catch (error) {
      if (options.signal?.aborted) return "aborted";
      if (!(error instanceof Error)) throw error;
      options.onError?.(error);
      if (isApiError(error) && error.code === "NOT_FOUND") return "not-found";
    }
    interval = Math.min(maxIntervalMs, Math.round(interval * 1.5));
  }
  return "gave-up";
}

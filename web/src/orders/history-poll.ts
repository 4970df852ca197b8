import { sleep as realSleep } from "@cloudcafe/core/sleep";
import type { Order } from "../api/types.ts";
import type { Sleep } from "../wait.ts";

/**
 * How the customer's order list keeps up with the server: one read of the customer's history page per poll, however
 * many orders are in flight. Fast right after an action (payment settles in well under a second locally), half again
 * slower after each read that changed nothing, never slower than today's 3 s so a barista's move shows as soon as it
 * did, back to fast whenever a read changes something (one change tends to bring the next: PAID, then PREPARING),
 * and stopped once nothing is in flight or after about ten minutes without a change.
 */
export const HISTORY_POLL = { fastMs: 250, maxMs: 3_000, growth: 1.5, maxIdleReads: 200 } as const;

export type HistoryPollSettings = { fastMs: number; maxMs: number; growth: number; maxIdleReads: number };

/** The wait before the next read: back to fast after a change, otherwise half again longer up to the ceiling. */
export function nextPollDelay(previousMs: number, changed: boolean, settings: HistoryPollSettings = HISTORY_POLL): number {
  return changed ? settings.fastMs : Math.min(settings.maxMs, Math.round(previousMs * settings.growth));
}

/** What an order looks like to the poll: a changed version or status is a change. */
const fingerprint = (orders: readonly Order[]) => orders.map((order) => `${order.orderId}:${order.version}:${order.status}`).join(",");

export interface HistoryPollOptions {
  /** One read of the customer's first history page (newest first). */
  read: (signal: AbortSignal) => Promise<readonly Order[]>;
  /** Applies a page; the poll goes on while this says an order is still in flight. */
  apply: (orders: readonly Order[]) => void;
  inFlight: () => boolean;
  onError?: (error: Error) => void;
  /** The poll stopped by itself: nothing in flight, or no change for `maxIdleReads` reads. */
  onStop?: (reason: "idle" | "settled") => void;
  settings?: HistoryPollSettings;
  sleep?: Sleep;
}

export interface HistoryPoll {
  /** Something just happened (an order placed, a customer signed in): read soon, and fast from there. */
  nudge(): void;
  stop(): void;
  /** Reads made so far (tests and the e2e count them). */
  readonly reads: number;
}

/** Starts polling at once; `nudge` restarts a stopped poll, or cuts a running one's wait short. */
export function pollHistory(options: HistoryPollOptions): HistoryPoll {
  const settings = options.settings ?? HISTORY_POLL;
  const wait = options.sleep ?? realSleep;
  const stopped = new AbortController();
  let reads = 0;
  let running = false;
  let wake: AbortController | undefined;
  let nudged = false;

  async function loop() {
    running = true;
    let delay = settings.fastMs;
    let idleReads = 0;
    let last = "";
    try {
      while (!stopped.signal.aborted) {
        wake = new AbortController();
        try {
          await wait(delay, AbortSignal.any([stopped.signal, wake.signal]));
        } catch {
          if (stopped.signal.aborted) return;
        }
        // A nudge from here on (during the read) asks for another read soon, whatever this one finds.
        const afterNudge = nudged;
        nudged = false;
        let changed = false;
        try {
          reads++;
          const orders = await options.read(stopped.signal);
          if (stopped.signal.aborted) return;
          const now = fingerprint(orders);
          changed = now !== last;
          last = now;
          options.apply(orders);
        } catch (error) {
          if (stopped.signal.aborted) return;
          options.onError?.(error instanceof Error ? error : new Error(String(error)));
        }
        if (nudged || afterNudge) {
          idleReads = 0;
          delay = settings.fastMs;
          if (nudged) continue;
        }
        if (!options.inFlight()) return options.onStop?.("settled");
        idleReads = changed ? 0 : idleReads + 1;
        if (idleReads >= settings.maxIdleReads) return options.onStop?.("idle");
        if (!afterNudge) delay = nextPollDelay(delay, changed, settings);
      }
    } finally {
      running = false;
    }
  }

  void loop();
  return {
    nudge() {
      if (stopped.signal.aborted) return;
      nudged = true;
      if (!running) return void loop();
      wake?.abort();
    },
    stop: () => stopped.abort(),
    get reads() {
      return reads;
    },
  };
}

/**
 * The game day's steady traffic: orders and menu reads at a fixed rate through the gateway, as customers named
 * `gameday-<run>-<n>` (real orders, so they flow through payments, points and analytics and can be reconciled).
 * Each customer then watches the order's status for a minute (`GET /api/orders/:id` every 8 s, an app refreshing it):
 * the reads that give the order cache its working set, so a flush or evictions show in its hit rate as a storm of
 * misses lasting one refresh interval (longer than the cache alarm's two local periods), not as one miss of one menu
 * key. Every request is recorded with when it was sent, how it ended and how long it took.
 */
import { randomUUID } from "node:crypto";
import { starterMenuItems, starterStores } from "@cloudcafe/core";

export interface Sample {
  readonly at: number;
  readonly kind: "order" | "menu" | "status";
  readonly ok: boolean;
  readonly status: number;
  readonly latencyMs: number;
}

export interface AcceptedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly at: number;
}

export interface Traffic {
  readonly samples: Sample[];
  readonly accepted: AcceptedOrder[];
  stop(): Promise<void>;
}

/** How a customer watches an accepted order: a status read every `everyMs` for `forMs` after it was accepted. */
export const STATUS_WATCH = { everyMs: 8_000, forMs: 60_000 } as const;

/** Items sold in one size, spread over the starter stores, so steady traffic does not empty one shelf. */
const singles = starterMenuItems.filter((item) => item.prices.single !== undefined).map((item) => item.sku);

/**
 * A request failed when it got no answer or anything but a 2XX: the game day only sends valid requests, so a 4XX is
 * the fault showing (a deleted route answers the listener's 403), not the platform refusing bad input.
 */
const failed = (status: number) => status < 200 || status >= 300;

export function startTraffic(options: { readonly gatewayUrl: string; readonly runId: string; readonly ordersPerSecond: number; readonly readsPerSecond: number }): Traffic {
  const samples: Sample[] = [];
  const accepted: AcceptedOrder[] = [];
  const inFlight = new Set<Promise<void>>();
  let sequence = 0;
  const timed = (kind: Sample["kind"], send: () => Promise<Response>, onAnswer?: (response: Response) => Promise<void>) => {
    const at = Date.now();
    const request = send()
      .then(async (response) => {
        await onAnswer?.(response);
        if (!onAnswer) await response.arrayBuffer();
        samples.push({ at, kind, ok: !failed(response.status), status: response.status, latencyMs: Date.now() - at });
      })
      .catch(() => void samples.push({ at, kind, ok: false, status: 0, latencyMs: Date.now() - at }));
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };
  const order = () => {
    const n = sequence++;
    const customerId = `gameday-${options.runId}-${n % 50}`;
    const body = {
      customerId,
      storeId: starterStores[n % starterStores.length]!.storeId,
      items: [{ sku: singles[n % singles.length]!, quantity: 1, size: "single", options: [] }],
    };
    timed(
      "order",
      () =>
        fetch(`${options.gatewayUrl}/api/orders`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        }),
      async (response) => {
        const answer = (await response.json().catch(() => ({}))) as { orderId?: string };
        if (response.status === 201 && answer.orderId) {
          accepted.push({ orderId: answer.orderId, customerId, at: Date.now() });
          watch(answer.orderId);
        }
      },
    );
  };
  const watching = new Set<NodeJS.Timeout>();
  const watch = (orderId: string) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (Date.now() - started >= STATUS_WATCH.forMs) {
        clearInterval(poll);
        watching.delete(poll);
        return;
      }
      timed("status", () => fetch(`${options.gatewayUrl}/api/orders/${encodeURIComponent(orderId)}`, { signal: AbortSignal.timeout(10_000) }));
    }, STATUS_WATCH.everyMs);
    watching.add(poll);
  };
  const read = () => timed("menu", () => fetch(`${options.gatewayUrl}/api/menu/items`, { signal: AbortSignal.timeout(10_000) }));
  const timers = [
    setInterval(order, 1000 / options.ordersPerSecond),
    ...(options.readsPerSecond > 0 ? [setInterval(read, 1000 / options.readsPerSecond)] : []),
  ];
  return {
    samples,
    accepted,
    async stop() {
      for (const timer of [...timers, ...watching]) clearInterval(timer);
      watching.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Error share and p99 latency of the samples sent in [from, to). */
export function windowStats(samples: readonly Sample[], from: number, to: number): { requests: number; failed: number; errorRate: number; p99Ms: number } {
  const inWindow = samples.filter((s) => s.at >= from && s.at < to);
  const failures = inWindow.filter((s) => !s.ok).length;
  const latencies = inWindow.filter((s) => s.ok).map((s) => s.latencyMs).sort((a, b) => a - b);
  const p99Ms = latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
  return { requests: inWindow.length, failed: failures, errorRate: inWindow.length === 0 ? 0 : failures / inWindow.length, p99Ms };
}

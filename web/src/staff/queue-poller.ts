import type { ApiClient } from "../api/client.ts";
import type { Order } from "../api/types.ts";

export interface QueuePoller {
  /** Reads the queue now (after an action), then keeps the usual rhythm. */
  refresh(): void;
  stop(): void;
}

/**
 * Reads a store's queue every `intervalMs` while the page is visible, and at once on `refresh()`; an answer older
 * than one already shown is dropped (reads can overtake each other).
 */
export function pollStoreQueue(
  client: Pick<ApiClient, "storeQueue">,
  storeId: () => string,
  onQueue: (orders: readonly Order[]) => void,
  onError: (error: unknown) => void,
  intervalMs = 2_000,
): QueuePoller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let latest = 0;
  async function read() {
    clearTimeout(timer);
    const ticket = ++latest;
    try {
      const { data } = await client.storeQueue(storeId());
      if (ticket === latest) onQueue(data.orders);
    } catch (error) {
      if (ticket === latest) onError(error);
    }
    if (!stopped) timer = setTimeout(() => void read(), document.hidden ? intervalMs * 5 : intervalMs);
  }
  void read();
  return {
    refresh: () => void read(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The short number a customer listens for: the last four hex digits of the order id, upper case. */
export const pickupNumber = (orderId: string) => orderId.slice(-4).toUpperCase();

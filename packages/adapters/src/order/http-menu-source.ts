import { services } from "@cloudcafe/catalog";
import {
  AppError,
  type MenuItem,
  menuCatalogOf,
  menuItemsResponseSchema,
  type MenuSnapshot,
  type MenuSource,
  singleFlight,
  type Store,
  storesResponseSchema,
} from "@cloudcafe/core";
import { sleep } from "@cloudcafe/core/sleep";
import type { Logger } from "@cloudcafe/observability";
import type { z } from "zod";

export interface HttpMenuSourceOptions {
  /** Where `/api/menu/*` is served: the gateway locally, the ALB when deployed. */
  baseUrl: string;
  logger: Logger;
  /** Per request (default 1 s). */
  timeoutMs?: number;
  /** Requests per refresh, the first included (default 3), 100 ms apart and doubling. */
  attempts?: number;
  /** How long a menu is used before it is checked again (default 10 s); an unchanged menu costs a 304. */
  refreshAfterMs?: number;
  /** After a failed refresh, how long the last menu is used before the Menu service is asked again (default 5 s). */
  retryAfterFailureMs?: number;
  fetch?: typeof fetch;
  clock?: () => number;
}

interface Resource<T> {
  value: T;
  etag: string | undefined;
}

interface Known {
  items: Resource<MenuItem[]>;
  stores: Resource<Store[]>;
  snapshot: MenuSnapshot["catalog"];
  checkedAt: number;
  failedAt: number | undefined;
}

/** A failure worth another try: the network, a timeout, or the Menu service answering 5xx. */
class Retryable extends Error {}

/**
 * The order service's view of the Menu service: the menu and stores over HTTP (`GET /api/menu/items`, `/stores`),
 * revalidated with their ETags, each request with a timeout and a bounded retry. The last menu known is kept in
 * memory, so orders are still priced while the Menu service is briefly down (as `stale`); with no menu known yet the
 * order cannot be priced, and `current()` fails DEPENDENCY_UNAVAILABLE (503 with Retry-After), never a zero price.
 */
export function httpMenuSource(options: HttpMenuSourceOptions): MenuSource {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const attempts = options.attempts ?? 3;
  const refreshAfterMs = options.refreshAfterMs ?? 10_000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 5_000;
  const fetchImpl = options.fetch ?? fetch;
  const now = options.clock ?? Date.now;
  const base = `${options.baseUrl.replace(/\/$/, "")}${services.menu.pathPrefix}`;
  const refreshOnce = singleFlight<void>();
  let known: Known | undefined;

  async function request<S extends z.ZodType>(path: string, schema: S, etag: string | undefined): Promise<Resource<z.output<S>> | "unchanged"> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        headers: { accept: "application/json", ...(etag ? { "if-none-match": etag } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Retryable(`GET ${path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (response.status === 304) return "unchanged";
    if (response.status >= 500) throw new Retryable(`GET ${path} answered ${response.status}`);
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new Error(`GET ${path} answered a body outside its contract: ${parsed.error.message}`);
    return { value: parsed.data, etag: response.headers.get("etag") ?? undefined };
  }

  async function withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof Retryable) || attempt >= attempts) throw error;
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  async function refresh(): Promise<void> {
    const [items, stores] = await Promise.all([
      withRetries(() => request("/items", menuItemsResponseSchema, known?.items.etag)),
      withRetries(() => request("/stores", storesResponseSchema, known?.stores.etag)),
    ]);
    if ((items === "unchanged" || stores === "unchanged") && !known) throw new Error("the Menu service answered 304 to a first request");
    const nextItems = items === "unchanged" ? known!.items : { value: items.value.items, etag: items.etag };
    const nextStores = stores === "unchanged" ? known!.stores : { value: stores.value.stores, etag: stores.etag };
    const unchanged = items === "unchanged" && stores === "unchanged";
    known = {
      items: nextItems,
      stores: nextStores,
      snapshot: unchanged ? known!.snapshot : menuCatalogOf(nextItems.value, nextStores.value),
      checkedAt: now(),
      failedAt: undefined,
    };
  }

  return {
    async current() {
      const at = now();
      if (known && at - known.checkedAt < refreshAfterMs) return { catalog: known.snapshot, stale: false };
      if (known?.failedAt !== undefined && at - known.failedAt < retryAfterFailureMs) return { catalog: known.snapshot, stale: true };
      try {
        await refreshOnce("menu", refresh);
        return { catalog: known!.snapshot, stale: false };
      } catch (error) {
        if (!known) {
          throw new AppError("DEPENDENCY_UNAVAILABLE", "The Menu service is not answering and no menu is known yet to price the order", { cause: error });
        }
        if (known.failedAt === undefined) options.logger.warn("Menu service not answering; pricing from the last menu known", { error });
        known.failedAt = now();
        return { catalog: known.snapshot, stale: true };
      }
    },
  };
}

import { hc } from "hono/client";
import type { AnalyticsApp } from "@cloudcafe/analytics/app";
import { errorFromResponse, isErrorContract } from "../api/errors.ts";

/** One store's minute as the Analytics read API answers it. */
export interface MinuteWindow {
  windowStart: string;
  ordersPlaced: number;
  ordersPaid: number;
  revenueCents: number;
  averageTicketCents: number;
}

export interface AnalyticsClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The console's reader of `/api/analytics` (Hono's typed client over the Analytics app's routes). */
export function createAnalyticsClient(options: AnalyticsClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const analytics = hc<AnalyticsApp>(baseUrl, { fetch: fetchImpl }).api.analytics;
  return {
    async storeMinutes(storeId: string, fromMs: number, toMs: number): Promise<MinuteWindow[]> {
      const response = await analytics.stores[":storeId"].minutes.$get({
        param: { storeId },
        query: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok || isErrorContract(body)) throw errorFromResponse(response, body, "");
      return (body as { windows: MinuteWindow[] }).windows;
    },
  };
}

export type AnalyticsClient = ReturnType<typeof createAnalyticsClient>;

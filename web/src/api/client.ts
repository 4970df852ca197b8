import { type ClientRequestOptions, type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { InventoryApp } from "@cloudcafe/inventory/app";
import type { MenuApp } from "@cloudcafe/menu/app";
import type { OrderApp } from "@cloudcafe/order/app";
import { ApiError, errorFromResponse, isErrorContract } from "./errors.ts";
import { type RandomBytes, cryptoRandomBytes } from "./random.ts";
import { TRACEPARENT_HEADER, newTraceparent, traceIdFrom } from "./trace.ts";
import type { MenuCategory, PlaceOrderRequest, StartStressRequest, StressScenario } from "./types.ts";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

export interface ApiResponse<T> {
  data: T;
  status: number;
  traceId: string;
  /** The server answered from its idempotency record instead of acting again. */
  replayed: boolean;
}

export interface ApiClientOptions {
  /** Prefix for every path; empty for the same origin (the gateway locally, CloudFront in AWS). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Read on every operator call, so a token entered later is picked up without rebuilding the client. */
  operatorToken?: () => string | undefined;
  random?: RandomBytes;
}

interface CallOptions<Also extends number> {
  operator?: boolean;
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses whose body is still the answer (readiness reports "degraded" with 503). */
  alsoAccept?: readonly Also[];
}

/** The body a route declares for the statuses a call takes as its answer. */
type AnswerOf<R, Also extends number> = R extends ClientResponse<infer Body, infer Status, "json"> ? (Status extends SuccessStatusCode | Also ? Body : never) : never;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/**
 * The console's only door to the services: Hono's typed client over the apps' route types, trace context on every
 * request, one error type.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const random = options.random ?? cryptoRandomBytes;
  const api = hc<OrderApp>(baseUrl, { fetch: fetchImpl });
  const orders = api.api.orders;
  const menu = hc<MenuApp>(baseUrl, { fetch: fetchImpl }).api.menu;
  const inventory = hc<InventoryApp>(baseUrl, { fetch: fetchImpl }).api.inventory;

  async function call<R extends ClientResponse<unknown, number, string>, Also extends number = never>(
    send: (request: ClientRequestOptions) => Promise<R>,
    init: CallOptions<Also> = {},
  ): Promise<ApiResponse<AnswerOf<R, Also>>> {
    const trace = newTraceparent(random);
    const headers: Record<string, string> = { accept: "application/json", [TRACEPARENT_HEADER]: trace.traceparent };
    const token = init.operator ? options.operatorToken?.() : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    // What was sent, in the messages: "GET /api/orders/ord_…".
    let sent = "";
    const recordingFetch: typeof fetch = (input, request) => {
      sent = `${request?.method ?? "GET"} ${String(input).slice(baseUrl.length)}`;
      return fetchImpl(input, request);
    };

    let response: R;
    try {
      response = await send({ headers, fetch: recordingFetch, ...(init.signal ? { init: { signal: init.signal } } : {}) });
    } catch (error) {
      if (isAbort(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError("NETWORK_ERROR", `No answer from ${sent}: ${reason}`, 0, trace.traceId);
    }

    const traceId = traceIdFrom(response.headers.get(TRACEPARENT_HEADER)) ?? trace.traceId;
    const parsed = parseJson(await response.text());
    const accepted = response.ok || (init.alsoAccept?.includes(response.status as Also) ?? false);
    if (!accepted || !parsed.ok || isErrorContract(parsed.value)) {
      if (accepted && !parsed.ok) {
        throw new ApiError("UNEXPECTED_RESPONSE", `${sent} answered ${response.status} with a body that is not JSON`, response.status, traceId);
      }
      throw errorFromResponse(response, parsed.ok ? parsed.value : undefined, traceId);
    }
    const data = parsed.value as AnswerOf<R, Also>;
    return { data, status: response.status, traceId, replayed: response.headers.get("idempotent-replayed") === "true" };
  }

  const unwrapRun = <T extends { run: unknown }>(response: ApiResponse<T>): ApiResponse<T["run"]> => ({ ...response, data: response.data.run });
  const run = (runId: string) => ({ param: { id: encodeURIComponent(runId) } });

  return {
    /** One category of the menu; the browser revalidates it with its ETag (a 304 while it is unchanged). */
    menuItems: (category: MenuCategory, signal?: AbortSignal) =>
      call((request) => menu.items[":category"].$get({ param: { category }, header: {} }, request), { signal }),

    stores: (signal?: AbortSignal) => call((request) => menu.stores.$get(undefined, request), { signal }),

    /** What a store has left per item (the Inventory service's counters). */
    storeStock: (storeId: string, signal?: AbortSignal) =>
      call((request) => inventory.store[":storeId"].$get({ param: { storeId: encodeURIComponent(storeId) } }, request), { signal }),

    /** Reuse `idempotencyKey` when retrying the same submit: the server then returns the first order, not a second. */
    placeOrder: (order: PlaceOrderRequest, idempotencyKey: string) =>
      call((request) => orders.$post({ json: order, header: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } }, request)),

    getOrder: (orderId: string, signal?: AbortSignal) => call((request) => orders[":id"].$get({ param: { id: encodeURIComponent(orderId) } }, request), { signal }),

    startStressRun: async (scenario: StressScenario, body: StartStressRequest) =>
      unwrapRun(await call((request) => orders.stress[":scenario"].$post({ param: { scenario }, json: body }, request), { operator: true })),

    getStressRun: async (runId: string, signal?: AbortSignal) =>
      unwrapRun(await call((request) => orders.stress.runs[":id"].$get(run(runId), request), { operator: true, signal })),

    cancelStressRun: async (runId: string) => unwrapRun(await call((request) => orders.stress.runs[":id"].$delete(run(runId), request), { operator: true })),

    listStressRuns: async (signal?: AbortSignal) => {
      const response = await call((request) => orders.stress.runs.$get(undefined, request), { operator: true, signal });
      return { ...response, data: response.data.runs };
    },

    readiness: (signal?: AbortSignal) => call((request) => api.ready.$get(undefined, request), { alsoAccept: [503], signal }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

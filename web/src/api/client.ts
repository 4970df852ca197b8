import { type ClientRequestOptions, type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import { cpuScenarios, services } from "@cloudcafe/catalog";
import type { InventoryApp } from "@cloudcafe/inventory/app";
import type { MenuApp } from "@cloudcafe/menu/app";
import type { StressRoutes } from "@cloudcafe/stress";
import type { OrderApp } from "@cloudcafe/order/app";
import { ApiError, errorFromResponse, isErrorContract } from "./errors.ts";
import { type RandomBytes, cryptoRandomBytes } from "./random.ts";
import { TRACEPARENT_HEADER, newTraceparent, traceIdFrom } from "./trace.ts";
import type { BaristaStage, MenuCategory, PlaceOrderRequest, StartStressRequest, StressScenario } from "./types.ts";

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
  /** Every service's stress controls share one contract (`@cloudcafe/stress`), under the service's path prefix. */
  const stressOf = (scenario: StressScenario) => hc<StressRoutes>(`${baseUrl}${services[cpuScenarios[scenario].service].pathPrefix}`, { fetch: fetchImpl }).stress;
  const stressHosts = [...new Set(Object.values(cpuScenarios).map((spec) => spec.service))];

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

    /** A customer's orders, newest first, a page at a time (`cursor`: the previous page's `nextCursor`). */
    listOrders: (customerId: string, page: { limit?: number; cursor?: string } = {}, signal?: AbortSignal) =>
      call(
        (request) =>
          orders.$get(
            { query: { customerId, ...(page.limit ? { limit: String(page.limit) } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) } },
            request,
          ),
        { signal },
      ),

    /** A customer's notifications (paid, payment failed, ready, refunded), newest first. */
    inbox: (customerId: string, signal?: AbortSignal) =>
      call((request) => orders.inbox.$get({ query: { customerId } }, request), { signal }),

    /** A store's paid, preparing and ready orders, oldest first (the barista's queue and the pickup board). */
    storeQueue: (storeId: string, signal?: AbortSignal) =>
      call((request) => orders.stores[":storeId"].queue.$get({ param: { storeId: encodeURIComponent(storeId) } }, request), { signal }),

    /** Staff: move a paid order to its next stage (the operator token). Repeating a stage is answered, not refused. */
    advanceOrder: (orderId: string, stage: BaristaStage) =>
      call((request) => orders[":id"].stage.$post({ param: { id: encodeURIComponent(orderId) }, json: { stage } }, request), { operator: true }),

    /** Staff: cancel a paid order, which refunds it (the operator token). Cancelling again is answered, not refused. */
    cancelOrder: (orderId: string, reason: string) =>
      call((request) => orders[":id"].cancel.$post({ param: { id: encodeURIComponent(orderId) }, json: { reason } }, request), { operator: true }),

    getOrder: (orderId: string, signal?: AbortSignal) => call((request) => orders[":id"].$get({ param: { id: encodeURIComponent(orderId) } }, request), { signal }),

    /** Starts a run on the service that hosts the scenario (morning rush on Order, restock on Inventory, ...). */
    startStressRun: async (scenario: StressScenario, body: StartStressRequest) =>
      unwrapRun(await call((request) => stressOf(scenario)[":scenario"].$post({ param: { scenario }, json: body }, request), { operator: true })),

    getStressRun: async (scenario: StressScenario, runId: string, signal?: AbortSignal) =>
      unwrapRun(await call((request) => stressOf(scenario).runs[":id"].$get(run(runId), request), { operator: true, signal })),

    cancelStressRun: async (scenario: StressScenario, runId: string) =>
      unwrapRun(await call((request) => stressOf(scenario).runs[":id"].$delete(run(runId), request), { operator: true })),

    /**
     * The runs of every service that hosts a scenario. A service that is not deployed or not running (404, 502, 503)
     * has none to show; a refused token is an answer for all of them, so it is thrown.
     */
    listStressRuns: async (signal?: AbortSignal) => {
      const answers = await Promise.allSettled(
        stressHosts.map((service) =>
          call((request) => hc<StressRoutes>(`${baseUrl}${services[service].pathPrefix}`, { fetch: fetchImpl }).stress.runs.$get(undefined, request), { operator: true, signal }),
        ),
      );
      const refused = answers.find((answer) => answer.status === "rejected" && !(answer.reason instanceof ApiError && [0, 404, 502, 503].includes(answer.reason.status)));
      if (refused?.status === "rejected") throw refused.reason;
      const fulfilled = answers.flatMap((answer) => (answer.status === "fulfilled" ? [answer.value] : []));
      const unreachable = stressHosts.filter((_, index) => answers[index]!.status === "rejected");
      const first = fulfilled[0];
      return {
        data: fulfilled.flatMap((response) => response.data.runs),
        unreachable,
        traceId: first?.traceId ?? "",
        status: first?.status ?? 200,
        replayed: false,
      };
    },

    readiness: (signal?: AbortSignal) => call((request) => api.ready.$get(undefined, request), { alsoAccept: [503], signal }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

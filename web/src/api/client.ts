import { ApiError, errorFromResponse, isErrorContract } from "./errors.ts";
import { type RandomBytes, cryptoRandomBytes } from "./random.ts";
import { TRACEPARENT_HEADER, newTraceparent, traceIdFrom } from "./trace.ts";
import type { Catalog, Order, PlaceOrderRequest, Readiness, StartStressRequest, StressRun } from "./types.ts";

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

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  operator?: boolean;
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses whose body is still the answer (readiness reports "degraded" with 503). */
  alsoAccept?: readonly number[];
}

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

/** The console's only door to the services: typed calls, trace context on every request, one error type. */
export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? "";
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const random = options.random ?? cryptoRandomBytes;

  async function request<T>(method: string, path: string, init: RequestOptions = {}): Promise<ApiResponse<T>> {
    const trace = newTraceparent(random);
    const headers: Record<string, string> = { accept: "application/json", [TRACEPARENT_HEADER]: trace.traceparent, ...init.headers };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const token = init.operator ? options.operatorToken?.() : undefined;
    if (token) headers.authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError("NETWORK_ERROR", `No answer from ${method} ${path}: ${reason}`, 0, trace.traceId);
    }

    const traceId = traceIdFrom(response.headers.get(TRACEPARENT_HEADER)) ?? trace.traceId;
    const parsed = parseJson(await response.text());
    const accepted = response.ok || (init.alsoAccept?.includes(response.status) ?? false);
    if (!accepted || !parsed.ok || isErrorContract(parsed.value)) {
      if (accepted && !parsed.ok) {
        throw new ApiError("UNEXPECTED_RESPONSE", `${method} ${path} answered ${response.status} with a body that is not JSON`, response.status, traceId);
      }
      throw errorFromResponse(response, parsed.ok ? parsed.value : undefined, traceId);
    }
    return { data: parsed.value as T, status: response.status, traceId, replayed: response.headers.get("idempotent-replayed") === "true" };
  }

  const unwrapRun = (response: ApiResponse<{ run: StressRun }>): ApiResponse<StressRun> => ({ ...response, data: response.data.run });

  return {
    catalog: (signal?: AbortSignal) => request<Catalog>("GET", "/api/orders/catalog", { signal }),

    /** Reuse `idempotencyKey` when retrying the same submit: the server then returns the first order, not a second. */
    placeOrder: (order: PlaceOrderRequest, idempotencyKey: string) =>
      request<Order>("POST", "/api/orders", { body: order, headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } }),

    getOrder: (orderId: string, signal?: AbortSignal) => request<Order>("GET", `/api/orders/${encodeURIComponent(orderId)}`, { signal }),

    startStressRun: async (scenario: string, body: StartStressRequest) =>
      unwrapRun(await request<{ run: StressRun }>("POST", `/api/orders/stress/${encodeURIComponent(scenario)}`, { body, operator: true })),

    getStressRun: async (runId: string, signal?: AbortSignal) =>
      unwrapRun(await request<{ run: StressRun }>("GET", `/api/orders/stress/runs/${encodeURIComponent(runId)}`, { operator: true, signal })),

    cancelStressRun: async (runId: string) =>
      unwrapRun(await request<{ run: StressRun }>("DELETE", `/api/orders/stress/runs/${encodeURIComponent(runId)}`, { operator: true })),

    listStressRuns: async (signal?: AbortSignal) => {
      const response = await request<{ runs: StressRun[] }>("GET", "/api/orders/stress/runs", { operator: true, signal });
      return { ...response, data: response.data.runs };
    },

    readiness: (signal?: AbortSignal) => request<Readiness>("GET", "/ready", { alsoAccept: [503], signal }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

import { ApiError, errorFromResponse } from "../api/errors.ts";

/** A fault of the registry as the chaos control plane lists it (GET /api/chaos/faults). */
export interface ConsoleFault {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly breaks: string;
  readonly target: string;
  readonly local: string;
  readonly blastRadius: string;
  readonly expectedRecovery: { readonly aws: string; readonly local: string; readonly localSeconds: number };
  readonly signals: {
    readonly alarm: string;
    /** `dimensions`: the series the fault must move, by role (the catalog's AlarmDimensionTarget), when not all of them. */
    readonly metrics: readonly { readonly namespace: string; readonly name: string; readonly dimensions?: Readonly<Record<string, string>> }[];
  };
  readonly maxDurationSeconds: number;
  readonly defaultDurationSeconds: number;
  readonly available: boolean;
  readonly active?: ActiveConsoleFault;
}

export interface ActiveConsoleFault {
  readonly id: string;
  readonly injectionId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  readonly ttlSeconds: number;
  readonly effect: Readonly<Record<string, string | number | boolean>>;
}

export const CHAOS_FAULTS_PATH = "/api/chaos/faults";

/**
 * The chaos control plane's three calls, each with the operator token. The control plane runs beside `npm start`
 * (and the game day), not in a deployed stage, whose faults are FIS experiments: there the list answers 404.
 */
export function faultsClient(options: { readonly operatorToken: () => string | undefined; readonly fetch?: typeof fetch; readonly baseUrl?: string }) {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl ?? "";
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = options.operatorToken();
    const headers: Record<string, string> = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new ApiError("NETWORK_ERROR", `No answer from ${method} ${path}: ${(error as Error).message}`, 0, "");
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw errorFromResponse(response, parsed, "");
    return parsed as T;
  }
  return {
    list: async () => (await call<{ faults: ConsoleFault[] }>("GET", CHAOS_FAULTS_PATH)).faults,
    inject: async (id: string, ttlSeconds: number) => (await call<{ fault: ActiveConsoleFault }>("POST", `${CHAOS_FAULTS_PATH}/${encodeURIComponent(id)}`, { ttlSeconds })).fault,
    revert: async (id: string) => (await call<{ fault: ActiveConsoleFault }>("DELETE", `${CHAOS_FAULTS_PATH}/${encodeURIComponent(id)}`)).fault,
  };
}

export type FaultsClient = ReturnType<typeof faultsClient>;

/** Seconds left until `expiresAt`, never below 0. */
export function secondsLeft(expiresAt: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1_000));
}

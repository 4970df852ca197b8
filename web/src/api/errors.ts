import type { ApiErrorCode, ErrorDetail } from "./types.ts";

/** Statuses worth retrying with the same request (and the same idempotency key): the server may not have acted. */
const RETRYABLE_STATUSES = new Set([0, 408, 429, 502, 503, 504]);

/** Any failed call: the server's `{error:{code,message,details}}`, or a client-side code when there was no contract answer. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** The trace to grep the logs for: the server's echo when there was one, else the one the request carried. */
    readonly traceId: string,
    readonly details: readonly ErrorDetail[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return RETRYABLE_STATUSES.has(this.status);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

interface ErrorContractBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export function isErrorContract(body: unknown): body is ErrorContractBody {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && typeof (error as { message?: unknown }).message === "string";
}

function detailsOf(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.filter((d): d is ErrorDetail => typeof d?.path === "string" && typeof d?.message === "string");
}

/** Retry-After in seconds (the delta-seconds form; the services never send an HTTP date). */
function retryAfter(headers: Headers): number | undefined {
  const value = Number(headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Maps one failed response to an ApiError, whatever answered: a service, or a proxy with an HTML page. */
export function errorFromResponse(response: Pick<Response, "headers" | "status" | "statusText">, body: unknown, traceId: string): ApiError {
  const after = retryAfter(response.headers);
  if (isErrorContract(body)) {
    const { code, message, details } = body.error;
    return new ApiError(code, message, response.status, traceId, detailsOf(details), after);
  }
  const reason = response.statusText ? ` ${response.statusText}` : "";
  return new ApiError("UNEXPECTED_RESPONSE", `HTTP ${response.status}${reason} without the JSON error contract`, response.status, traceId, [], after);
}

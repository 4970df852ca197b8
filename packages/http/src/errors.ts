import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode, isAppError } from "@cloudcafe/core";

/** The single mapping from error codes to HTTP statuses. */
export const statusForCode: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  OVERLOADED: 503,
  DEPENDENCY_UNAVAILABLE: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: readonly { path: string; message: string }[] };
}

export function errorBody(error: AppError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
}

/** Socket-level failures of a dependency (database, cache, AWS endpoint): the request may succeed on retry. */
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

function dependencyFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    if (current.name === "TimeoutError" || current.name === "AggregateError") return true;
  }
  return false;
}

/** Classifies anything thrown: AppErrors as they are, dependency outages as 503, the rest as 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (dependencyFailure(error)) return new AppError("DEPENDENCY_UNAVAILABLE", "A dependency is unavailable; retry shortly", { cause: error });
  return new AppError("INTERNAL", "Internal server error", { cause: error });
}

/** Turns anything thrown into the JSON error contract without leaking internals. */
export function errorResponse(c: Context, error: unknown) {
  const appError = toAppError(error);
  if (appError.retryable) c.header("Retry-After", "1");
  return c.json(errorBody(appError), statusForCode[appError.code]);
}

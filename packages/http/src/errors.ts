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

/** Turns anything thrown into the JSON error contract; unknown errors become 500 without leaking internals. */
export function errorResponse(c: Context, error: unknown) {
  const appError = isAppError(error) ? error : new AppError("INTERNAL", "Internal server error", { cause: error });
  return c.json(errorBody(appError), statusForCode[appError.code]);
}

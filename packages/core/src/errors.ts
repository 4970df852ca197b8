/**
 * The one error type of CloudCafe. Domain code throws it with a code; the HTTP layer maps codes to statuses
 * in one place (`@cloudcafe/http`), and event handlers decide retry vs. final from `retryable`.
 */
export const errorCodes = [
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "NOT_FOUND",
  "CONFLICT",
  "IDEMPOTENCY_KEY_REUSED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "OVERLOADED",
  "DEPENDENCY_UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[] | undefined;
  readonly retryable: boolean;
  /** When to try again (a 429's `Retry-After`), where the refusal knows it. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; cause?: unknown; retryable?: boolean; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? (code === "DEPENDENCY_UNAVAILABLE" || code === "OVERLOADED");
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

import { sleep as realSleep } from "@cloudcafe/core/sleep";
import type { Sleep } from "../wait.ts";
import { isApiError } from "./errors.ts";

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the n-th retry is `baseDelayMs * 2^(n-1)`, or the server's Retry-After when longer; capped at `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: Sleep;
  onRetry?: (attempt: number, error: Error) => void;
}

/**
 * Repeats a call after failures where the server may not have acted (no answer, 408, 429, 502-504). Only for
 * calls that are safe to repeat: reads, or writes that carry their own idempotency key or client-chosen id.
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const wait = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isApiError(error) || !error.retryable || attempt >= attempts) throw error;
      options.onRetry?.(attempt, error);
      const backoff = baseDelayMs * 2 ** (attempt - 1);
      await wait(Math.min(maxDelayMs, Math.max(backoff, (error.retryAfterSeconds ?? 0) * 1000)));
    }
  }
}

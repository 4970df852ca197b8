import { type RandomBytes, cryptoRandomBytes, randomHex } from "./random.ts";

export const TRACEPARENT_HEADER = "traceparent";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Starts a W3C trace in the browser. The services adopt the caller's trace id, so the console knows the id to
 * grep for even when a request never gets an answer.
 */
export function newTraceparent(random: RandomBytes = cryptoRandomBytes): { traceId: string; traceparent: string } {
  const traceId = randomHex(16, random);
  return { traceId, traceparent: `00-${traceId}-${randomHex(8, random)}-01` };
}

/** The trace id (second field) of a traceparent value; undefined when absent or malformed. */
export function traceIdFrom(traceparent: string | null | undefined): string | undefined {
  if (!traceparent) return undefined;
  return TRACEPARENT.exec(traceparent.trim().toLowerCase())?.[1];
}

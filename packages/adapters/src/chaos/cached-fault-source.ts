import { activeEntry, type ApplicationFaultSource } from "@cloudcafe/core";

export interface CachedFaultSourceOptions {
  /** Reads the whole fault document (the parameter's value, the control plane's answer). */
  readonly read: () => Promise<Record<string, unknown>>;
  /** How long one read answers every caller: a fault starts and ends within this much of its injection. */
  readonly cacheMs: number;
  readonly now?: () => Date;
  /** Told once per run of failed reads, so an unreachable source is visible without a line per call. */
  readonly onReadFailure?: (error: unknown) => void;
}

/**
 * One read per `cacheMs` whatever the call rate (a DynamoDB middleware asks on every call). When a read fails, the
 * last document read keeps answering: its entries carry their expiry, so a fault still ends on time.
 */
export function cachedFaultSource(options: CachedFaultSourceOptions): ApplicationFaultSource {
  const now = options.now ?? (() => new Date());
  let document: Record<string, unknown> = {};
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  let failing = false;

  const refresh = () =>
    (reading ??= options
      .read()
      .then((read) => {
        document = read;
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) options.onReadFailure?.(error);
        failing = true;
      })
      .finally(() => {
        readAt = now().getTime();
        reading = undefined;
      }));

  return {
    async active(faultId) {
      if (now().getTime() - readAt >= options.cacheMs) await refresh();
      return activeEntry(document, faultId, now());
    },
  };
}

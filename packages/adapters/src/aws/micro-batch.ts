/**
 * Sends made in the same turn of the event loop go out as one batch call (Kinesis PutRecords, SQS
 * SendMessageBatch) instead of one call each: a busy relay delivering many orders' rows at once pays one request for
 * all of them. Each caller still gets the outcome of its own item (the batch APIs answer per entry), so a caller
 * retries exactly what failed, as with single sends. Items are built by the caller, in its own trace context.
 */
export type BatchOutcome<R> = { readonly ok: R } | { readonly error: Error };

export function microBatcher<T, R>(
  sendBatch: (items: readonly T[]) => Promise<readonly BatchOutcome<R>[]>,
  maxPerBatch: number,
): (item: T) => Promise<R> {
  let queued: { item: T; resolve: (value: R) => void; reject: (error: Error) => void }[] = [];

  async function flushChunk(chunk: typeof queued): Promise<void> {
    try {
      const outcomes = await sendBatch(chunk.map((entry) => entry.item));
      chunk.forEach((entry, i) => {
        const outcome = outcomes[i];
        if (!outcome) entry.reject(new Error("batch answer has no entry for this item"));
        else if ("ok" in outcome) entry.resolve(outcome.ok);
        else entry.reject(outcome.error);
      });
    } catch (error) {
      for (const entry of chunk) entry.reject(error as Error);
    }
  }

  function flush(): void {
    const all = queued;
    queued = [];
    for (let i = 0; i < all.length; i += maxPerBatch) void flushChunk(all.slice(i, i + maxPerBatch));
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (queued.length === 0) setImmediate(flush);
      queued.push({ item, resolve, reject });
    });
}

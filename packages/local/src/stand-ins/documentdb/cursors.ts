import { randomBytes } from "node:crypto";
import { BSON, Long, type Document } from "bson";
import { MAX_BSON_OBJECT_BYTES } from "./wire.ts";
import { CommandError } from "./errors.ts";
import type { TypedDocument } from "./values.ts";

/** MongoDB's first batch when the client gives no batchSize. */
const DEFAULT_FIRST_BATCH = 101;
/** Room left in a 16 MiB reply for the cursor envelope. */
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_BYTES - 16 * 1024;
/** MongoDB's cursorTimeoutMillis default. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  readonly namespace: string;
  readonly remaining: TypedDocument[];
  readonly noTimeout: boolean;
  lastUsed: number;
}

export interface Batch {
  readonly id: Long;
  readonly documents: TypedDocument[];
}

/**
 * Open cursors of this server process: results are computed when the cursor opens and handed out in batches by
 * getMore, under random non-zero int64 ids. Idle cursors close after 10 minutes unless opened with noCursorTimeout.
 */
export class Cursors {
  readonly #open = new Map<bigint, OpenCursor>();
  readonly #sweeper: NodeJS.Timeout;

  constructor() {
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#open.clear();
  }

  /** The first batch; the cursor stays open (non-zero id) only when documents remain and singleBatch is not set. */
  open(namespace: string, documents: TypedDocument[], options: { batchSize?: number; singleBatch?: boolean; noTimeout?: boolean } = {}): Batch {
    const remaining = [...documents];
    const batch = takeBatch(remaining, options.batchSize ?? DEFAULT_FIRST_BATCH);
    if (remaining.length === 0 || options.singleBatch) return { id: Long.ZERO, documents: batch };
    const id = this.#newId();
    this.#open.set(id, { namespace, remaining, noTimeout: options.noTimeout ?? false, lastUsed: Date.now() });
    return { id: Long.fromBigInt(id), documents: batch };
  }

  more(id: Long, namespace: string, batchSize: number | undefined): Batch {
    const key = id.toBigInt();
    const cursor = this.#open.get(key);
    if (!cursor) throw new CommandError("CursorNotFound", `cursor id ${key} not found`);
    if (cursor.namespace !== namespace) {
      throw new CommandError("Unauthorized", `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`);
    }
    cursor.lastUsed = Date.now();
    const documents = takeBatch(cursor.remaining, batchSize ?? Number.POSITIVE_INFINITY);
    if (cursor.remaining.length > 0) return { id, documents };
    this.#open.delete(key);
    return { id: Long.ZERO, documents };
  }

  kill(ids: readonly Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.#open.delete(id.toBigInt()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  #newId(): bigint {
    for (;;) {
      const id = BigInt.asUintN(63, randomBytes(8).readBigUInt64LE());
      if (id !== 0n && !this.#open.has(id)) return id;
    }
  }

  #sweep(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, cursor] of this.#open) if (!cursor.noTimeout && cursor.lastUsed < cutoff) this.#open.delete(id);
  }
}

/** Removes and returns up to `count` documents, fewer when the reply would pass 16 MiB (always at least one). */
function takeBatch(remaining: TypedDocument[], count: number): TypedDocument[] {
  let bytes = 0;
  let size = 0;
  while (size < remaining.length && size < count) {
    bytes += BSON.calculateObjectSize(remaining[size] as Document);
    if (size > 0 && bytes > MAX_BATCH_BYTES) break;
    size += 1;
  }
  return remaining.splice(0, size);
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Where a local stream mapping keeps its position per shard (Lambda keeps it inside the mapping): the sequence number
 * of the last record processed, and whether a closed shard was read to its end. Keys are
 * `<function>|<stream ARN>|<shard>`, so a recreated stream (a new ARN) starts afresh.
 */
export interface CheckpointStore {
  get(key: string): string | undefined;
  set(key: string, sequenceNumber: string): void;
  finish(key: string): void;
  isFinished(key: string): boolean;
  /** Drops a shard's position (one its stream refuses as not its own): the shard starts afresh. */
  forget(key: string): void;
  /** Writes what is pending (the file store writes at most once a second otherwise). */
  flush(): void;
}

interface Entry {
  sequenceNumber?: string;
  finished?: true;
}

function storeOver(entries: Map<string, Entry>, changed: () => void): CheckpointStore {
  return {
    get: (key) => entries.get(key)?.sequenceNumber,
    set(key, sequenceNumber) {
      entries.set(key, { ...entries.get(key), sequenceNumber });
      changed();
    },
    finish(key) {
      entries.set(key, { ...entries.get(key), finished: true });
      changed();
    },
    isFinished: (key) => entries.get(key)?.finished === true,
    forget(key) {
      if (entries.delete(key)) changed();
    },
    flush: () => undefined,
  };
}

export function memoryCheckpoints(): CheckpointStore {
  return storeOver(new Map(), () => undefined);
}

/**
 * Checkpoints in a JSON file, so `npm start` run again against engines still running resumes each stream where it
 * stopped instead of replaying it. Written at most once a second (atomically, by rename) and on `flush()`; a crash
 * loses at most that second, which the handlers' idempotence absorbs, as it does Lambda's own redeliveries.
 */
export function fileCheckpoints(path: string): CheckpointStore {
  let saved: Record<string, Entry> = {};
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as Record<string, Entry>;
  } catch {
    // No file yet (or unreadable): start without checkpoints.
  }
  const entries = new Map(Object.entries(saved));
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(Object.fromEntries(entries)));
    renameSync(`${path}.tmp`, path);
  };
  const store = storeOver(entries, () => {
    timer ??= setTimeout(write, 1_000);
    timer.unref();
  });
  return { ...store, flush: () => (timer ? write() : undefined) };
}

import postgres, { type Sql, type TransactionSql } from "postgres";
import type { Document } from "bson";
import { fromStored, toStored, type TypedDocument } from "./values.ts";

/**
 * The stand-in's data in PostgreSQL: one row per collection (keyed by database and name), its secondary indexes,
 * one JSONB row per document (canonical Extended JSON, keyed by the collection and the `_id`'s index key) and one
 * row per index entry. Unique indexes are a partial unique index over the entries, so two concurrent inserts of
 * the same key cannot both commit. Deleting a collection cascades to its documents, indexes and entries.
 */
const SCHEMA = `
create table if not exists collections (
  id bigserial primary key,
  database text not null,
  name text not null,
  unique (database, name)
);
create table if not exists indexes (
  collection_id bigint not null references collections (id) on delete cascade,
  name text not null,
  seq bigserial not null,
  spec jsonb not null,
  primary key (collection_id, name)
);
create table if not exists documents (
  collection_id bigint not null references collections (id) on delete cascade,
  id_key text not null,
  seq bigserial not null,
  body jsonb not null,
  primary key (collection_id, id_key)
);
create index if not exists documents_natural_order on documents (collection_id, seq);
create table if not exists index_entries (
  collection_id bigint not null,
  index_name text not null,
  key text not null,
  id_key text not null,
  is_unique boolean not null,
  primary key (collection_id, index_name, key, id_key),
  foreign key (collection_id, id_key) references documents (collection_id, id_key) on delete cascade,
  foreign key (collection_id, index_name) references indexes (collection_id, name) on delete cascade
);
create unique index if not exists index_entries_unique on index_entries (collection_id, index_name, key) where is_unique;
create index if not exists index_entries_by_document on index_entries (collection_id, id_key);
`;

export type Queryable = Sql | TransactionSql;

const json = (sql: Queryable, document: TypedDocument) => sql.json(toStored(document) as postgres.JSONValue);

/** Which documents of a collection to read: all, some `_id`s, or the documents holding some keys of an index. */
export type Selection =
  | { readonly kind: "all" }
  | { readonly kind: "ids"; readonly idKeys: readonly string[] }
  | { readonly kind: "index"; readonly index: string; readonly unique: boolean; readonly keys: readonly string[] };

export type CollectionLock = "share" | "exclusive";

export interface CollectionRow {
  readonly id: number;
  /** The secondary indexes, in creation order. */
  readonly indexSpecs: readonly TypedDocument[];
}

export interface StoredDocument {
  readonly idKey: string;
  readonly document: TypedDocument;
}

/** A document's entries in one index, and whether that index is unique. */
export interface IndexWrite {
  readonly index: string;
  readonly unique: boolean;
  readonly keys: readonly string[];
}

/** Another document already holds `key` in the unique index `index` (`_id_` for the `_id`). */
export class KeyTaken extends Error {
  constructor(
    readonly index: string,
    readonly key: string,
  ) {
    super(`duplicate key in ${index}`);
  }
}

const uniqueFirst = (writes: readonly IndexWrite[]) => [...writes.filter((write) => write.unique), ...writes.filter((write) => !write.unique)];

/** How the stand-in's connections name themselves to PostgreSQL (pg_stat_activity.application_name). */
export const DOCUMENT_STORAGE_APPLICATION = "cloudcafe-documentdb-stand-in";

export interface StorageConnectionOptions {
  readonly maxConnections?: number;
  readonly idleTimeoutSeconds?: number;
  /** pg_stat_activity's application_name for its connections (default DOCUMENT_STORAGE_APPLICATION). */
  readonly applicationName?: string;
}

export class Storage {
  private constructor(readonly sql: Sql) {}

  /**
   * Connects and creates the tables when missing (under a lock: several stand-ins may start at once). A connection
   * idle for `idleTimeoutSeconds` is closed (the Redshift Data API stand-in does the same): an idle platform keeps no
   * PostgreSQL backend for the menu's documents, each of which held about 18 MB of RSS, mostly shared buffers mapped.
   */
  static async open(databaseUrl: string, options: StorageConnectionOptions = {}): Promise<Storage> {
    const sql = postgres(databaseUrl, {
      max: options.maxConnections ?? 10,
      idle_timeout: options.idleTimeoutSeconds ?? 60,
      connection: { application_name: options.applicationName ?? DOCUMENT_STORAGE_APPLICATION },
      onnotice: () => {},
    });
    // Only when missing: the DDL would wait for every open write transaction of a stand-in already running.
    const [{ ready }] = await sql<[{ ready: boolean }]>`select to_regclass('index_entries_by_document') is not null as ready`;
    if (!ready) {
      await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext('cloudcafe-documentdb-stand-in-schema'))`;
        await tx.unsafe(SCHEMA);
      });
    }
    return new Storage(sql);
  }

  close(): Promise<void> {
    return this.sql.end({ timeout: 5 });
  }

  transaction<T>(work: (tx: TransactionSql) => Promise<T>): Promise<T> {
    return this.sql.begin((tx) => work(tx)) as Promise<T>;
  }

  /**
   * The collection's id and index specifications in one round trip. `lock`: writers hold the collection row in
   * share mode for their transaction and an index build holds it exclusively, so a build sees every committed
   * document and no write misses the new index.
   */
  async collection(sql: Queryable, database: string, name: string, lock?: CollectionLock): Promise<CollectionRow | undefined> {
    const locking = lock === "share" ? sql`for share of c` : lock === "exclusive" ? sql`for update of c` : sql``;
    const [row] = await sql<{ id: string; specs: Document[] }[]>`
      select c.id, coalesce((select json_agg(i.spec order by i.seq) from indexes i where i.collection_id = c.id), '[]') as specs
        from collections c where c.database = ${database} and c.name = ${name} ${locking}`;
    return row ? { id: Number(row.id), indexSpecs: row.specs.map(fromStored) } : undefined;
  }

  /** The collection, created when missing (`created` tells which). */
  async ensureCollection(sql: Queryable, database: string, name: string, lock?: CollectionLock): Promise<CollectionRow & { created: boolean }> {
    const existing = await this.collection(sql, database, name, lock);
    if (existing) return { ...existing, created: false };
    const inserted = await sql`insert into collections (database, name) values (${database}, ${name}) on conflict do nothing returning id`;
    const row = await this.collection(sql, database, name, lock);
    if (!row) throw new Error(`collection ${database}.${name} vanished while being created`);
    return { ...row, created: inserted.length > 0 };
  }

  async collectionNames(database: string): Promise<string[]> {
    const rows = await this.sql<{ name: string }[]>`select name from collections where database = ${database} order by name`;
    return rows.map((row) => row.name);
  }

  /** Drops the collection; the number of indexes it had (with `_id_`), or undefined when it did not exist. */
  async dropCollection(database: string, name: string): Promise<number | undefined> {
    return this.transaction(async (tx) => {
      const [row] = await tx<{ id: string; indexes: string }[]>`
        select id, (select count(*) from indexes where collection_id = collections.id) as indexes
          from collections where database = ${database} and name = ${name} for update`;
      if (!row) return undefined;
      await tx`delete from collections where id = ${row.id}`;
      return Number(row.indexes) + 1;
    });
  }

  async dropDatabase(database: string): Promise<void> {
    await this.sql`delete from collections where database = ${database}`;
  }

  async addIndex(sql: Queryable, collectionId: number, name: string, spec: TypedDocument): Promise<void> {
    await sql`insert into indexes (collection_id, name, spec) values (${collectionId}, ${name}, ${json(sql, spec)})`;
  }

  /**
   * Reads in natural (insertion) order. A keyed read is one query per key whose every step is an equality on all the
   * columns of a primary key, so PostgreSQL plans index lookups whatever its statistics say: they lag behind
   * collections that appear and fill within seconds, and a plan built on them once cost minutes per statement.
   */
  async documents(sql: Queryable, collectionId: number, selection: Selection, forUpdate = false): Promise<StoredDocument[]> {
    const lock = forUpdate ? sql`for update` : sql``;
    type Row = { id_key: string; body: Document; seq: string };
    const byId = (idKey: string) => sql<Row[]>`select id_key, body, seq from documents where collection_id = ${collectionId} and id_key = ${idKey} ${lock}`;
    let found: Row[][];
    if (selection.kind === "all") {
      found = [await sql<Row[]>`select id_key, body, seq from documents where collection_id = ${collectionId} order by seq ${lock}`];
    } else if (selection.kind === "ids") {
      found = await Promise.all(selection.idKeys.map(byId));
    } else if (selection.unique) {
      // At most one document per key: the entry lookup is a scalar subquery, so the whole read is one round trip.
      found = await Promise.all(
        selection.keys.map(
          (key) => sql<Row[]>`
            select id_key, body, seq from documents
             where collection_id = ${collectionId}
               and id_key = (select id_key from index_entries
                              where collection_id = ${collectionId} and index_name = ${selection.index} and key = ${key}) ${lock}`,
        ),
      );
    } else {
      const entries = await Promise.all(
        selection.keys.map(
          (key) => sql<{ id_key: string }[]>`
            select id_key from index_entries where collection_id = ${collectionId} and index_name = ${selection.index} and key = ${key}`,
        ),
      );
      found = await Promise.all([...new Set(entries.flat().map((entry) => entry.id_key))].map(byId));
    }
    const rows = found.length === 1 ? found[0]! : found.flat().sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    return rows.map((row) => ({ idKey: row.id_key, document: fromStored(row.body) }));
  }

  /**
   * Inserts a document and its index entries; throws KeyTaken, having written nothing, when another document holds
   * its `_id` or one of its unique keys. No savepoint is needed: conflicts are detected without a PostgreSQL error
   * (ON CONFLICT DO NOTHING) and what was written before one is removed again.
   */
  async insert(sql: Queryable, collectionId: number, idKey: string, document: TypedDocument, indexes: readonly IndexWrite[]): Promise<void> {
    const [row] = await sql`
      insert into documents (collection_id, id_key, body) values (${collectionId}, ${idKey}, ${json(sql, document)})
      on conflict do nothing returning 1 as inserted`;
    if (!row) throw new KeyTaken("_id_", idKey);
    try {
      for (const write of uniqueFirst(indexes)) await this.addEntries(sql, collectionId, idKey, write);
    } catch (error) {
      await this.remove(sql, collectionId, idKey);
      throw error;
    }
  }

  /**
   * Replaces a document's body, and its index entries where they changed (`before` and `after` per index, in the
   * same order). New unique keys are claimed first: when one is taken, the ones claimed are released and KeyTaken
   * is thrown with nothing changed.
   */
  async replace(
    sql: Queryable,
    collectionId: number,
    idKey: string,
    document: TypedDocument,
    before: readonly IndexWrite[],
    after: readonly IndexWrite[],
  ): Promise<void> {
    const changes = after.map((write, position) => {
      const previous = new Set(before[position]?.keys ?? []);
      const next = new Set(write.keys);
      return { ...write, added: write.keys.filter((key) => !previous.has(key)), removed: [...previous].filter((key) => !next.has(key)) };
    });
    const claimed: typeof changes = [];
    try {
      for (const change of changes.filter((candidate) => candidate.unique)) {
        claimed.push(change);
        await this.addEntries(sql, collectionId, idKey, { ...change, keys: change.added });
      }
    } catch (error) {
      for (const change of claimed) await this.removeEntries(sql, collectionId, idKey, change.index, change.added);
      throw error;
    }
    await sql`update documents set body = ${json(sql, document)} where collection_id = ${collectionId} and id_key = ${idKey}`;
    for (const change of changes) {
      await this.removeEntries(sql, collectionId, idKey, change.index, change.removed);
      if (!change.unique) await this.addEntries(sql, collectionId, idKey, { ...change, keys: change.added });
    }
  }

  private async removeEntries(sql: Queryable, collectionId: number, idKey: string, index: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await sql`delete from index_entries where collection_id = ${collectionId} and index_name = ${index}
               and id_key = ${idKey} and key = any(${keys as string[]}::text[])`;
  }

  async remove(sql: Queryable, collectionId: number, idKey: string): Promise<void> {
    await sql`delete from documents where collection_id = ${collectionId} and id_key = ${idKey}`;
  }

  /** Adds entries; for a unique index, a key another document holds (committed or not yet) is refused. */
  async addEntries(sql: Queryable, collectionId: number, idKey: string, write: IndexWrite): Promise<void> {
    if (write.keys.length === 0) return;
    const keys = write.keys as string[];
    if (!write.unique) {
      await sql`insert into index_entries (collection_id, index_name, key, id_key, is_unique)
                select ${collectionId}, ${write.index}, key, ${idKey}, false from unnest(${keys}::text[]) as key`;
      return;
    }
    const added = await sql<{ key: string }[]>`
      insert into index_entries (collection_id, index_name, key, id_key, is_unique)
      select ${collectionId}, ${write.index}, key, ${idKey}, true from unnest(${keys}::text[]) as key
      on conflict (collection_id, index_name, key) where is_unique do nothing
      returning key`;
    if (added.length === keys.length) return;
    const inserted = new Set(added.map((row) => row.key));
    throw new KeyTaken(write.index, keys.find((key) => !inserted.has(key))!);
  }
}

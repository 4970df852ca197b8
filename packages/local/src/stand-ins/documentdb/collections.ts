import { EJSON, ObjectId, type Document } from "bson";
import { CommandError, notSupported } from "./errors.ts";
import type { CollectionRow, IndexWrite, Selection } from "./storage.ts";
import { indexEntries, indexKey, isPlainObject, toPlain, type PlainDocument, type TypedDocument } from "./values.ts";

/** Namespace rules and secondary indexes: what a collection's writes must keep and what its reads may use. */

const FORBIDDEN_IN_DATABASE = /[/\\. "$*<>:|?]/;

export function checkDatabaseName(name: unknown): string {
  if (typeof name !== "string" || name === "" || FORBIDDEN_IN_DATABASE.test(name) || name.includes("\0")) {
    throw new CommandError("InvalidNamespace", `Invalid database name: '${String(name)}'`);
  }
  return name;
}

export function checkCollectionName(command: TypedDocument, field: string): string {
  const name = command[field];
  if (typeof name !== "string") throw new CommandError("InvalidNamespace", `collection name has invalid type ${typeof name}`);
  if (name === "" || name.includes("$") || name.includes("\0") || name.startsWith("system.")) {
    throw new CommandError("InvalidNamespace", `Invalid collection name: ${name}`);
  }
  return name;
}

export interface IndexInfo {
  readonly name: string;
  readonly fields: readonly string[];
  readonly keyPattern: TypedDocument;
  readonly unique: boolean;
  readonly sparse: boolean;
  /** As listIndexes returns it. */
  readonly spec: TypedDocument;
}

export const ID_INDEX_SPEC: TypedDocument = { v: 2, key: { _id: 1 }, name: "_id_" };

const INDEX_OPTIONS = new Set(["key", "name", "unique", "sparse", "background", "v"]);

/** A createIndexes entry as an index; key types other than ascending / descending and other options are refused. */
export function parseIndexSpec(given: unknown): IndexInfo {
  if (!isPlainObject(given)) throw new CommandError("TypeMismatch", "each index specification must be an object");
  for (const option of Object.keys(given)) if (!INDEX_OPTIONS.has(option)) throw notSupported(`The index option '${option}'`, "CannotCreateIndex");
  const { key, name } = given;
  if (typeof name !== "string" || name === "") throw new CommandError("FailedToParse", "The 'name' field is a required property of an index specification");
  if (!isPlainObject(key) || Object.keys(key).length === 0) throw new CommandError("CannotCreateIndex", "Index keys cannot be an empty field.");
  for (const [field, direction] of Object.entries(key)) {
    const value = toPlain(direction);
    if (value !== 1 && value !== -1) throw notSupported(`The index key type ${EJSON.stringify(direction as Document)} of '${field}'`, "CannotCreateIndex");
  }
  const unique = toPlain(given.unique) === true;
  const sparse = toPlain(given.sparse) === true;
  return {
    name,
    fields: Object.keys(key),
    keyPattern: key,
    unique,
    sparse,
    spec: { v: 2, key, name, ...(unique ? { unique: true } : {}), ...(sparse ? { sparse: true } : {}) },
  };
}

export const indexesOf = (collection: CollectionRow): IndexInfo[] => collection.indexSpecs.map(parseIndexSpec);

/** The `_id` every stored document has (an ObjectId is added first when the client sent none). */
export function withId(document: TypedDocument): TypedDocument {
  if (document._id === undefined) return { _id: new ObjectId(), ...document };
  if (Array.isArray(document._id)) throw new CommandError("BadValue", "The '_id' value cannot be of type array");
  if (document._id instanceof RegExp || (document._id as { _bsontype?: string })?._bsontype === "BSONRegExp") {
    throw new CommandError("BadValue", "can't use a regex for _id");
  }
  return document;
}

export const idKeyOf = (document: PlainDocument) => indexKey([document._id]);

export function indexWrites(document: PlainDocument, indexes: readonly IndexInfo[]): IndexWrite[] {
  return indexes.map((index) => ({
    index: index.name,
    unique: index.unique,
    keys: indexEntries(document, index.fields, index.sparse).map((entry) => entry.key),
  }));
}

/** The duplicate key error MongoDB reports, naming the index and the key another document holds. */
export function duplicateKey(namespace: string, index: IndexInfo | "_id_", key: string, document: PlainDocument): CommandError {
  const info = index === "_id_" ? { name: "_id_", fields: ["_id"], keyPattern: { _id: 1 }, sparse: false } : index;
  const entry = indexEntries(document, info.fields, info.sparse).find((candidate) => candidate.key === key);
  const keyValue = Object.fromEntries(info.fields.map((field, position) => [field, entry?.values[position] ?? null]));
  const shown = Object.entries(keyValue)
    .map(([field, value]) => `${field}: ${EJSON.stringify(value as Document, { relaxed: true })}`)
    .join(", ");
  return new CommandError("DuplicateKey", `E11000 duplicate key error collection: ${namespace} index: ${info.name} dup key: { ${shown} }`, {
    keyPattern: info.keyPattern,
    keyValue,
  });
}

const isIndexableScalar = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value instanceof Date || value instanceof ObjectId;

function equalityValues(condition: unknown): unknown[] | undefined {
  if (!isPlainObject(condition)) return [condition];
  if (!Object.keys(condition).some((key) => key.startsWith("$"))) return undefined;
  if ("$eq" in condition) return [condition.$eq];
  if (Array.isArray(condition.$in)) return condition.$in;
  return undefined;
}

/**
 * Which rows can hold the filter's matches: an equality (or `$in`) on `_id` or on the field of a single-field index
 * reads those keys only; anything else reads the collection. The filter still decides on every row read.
 */
export function selectionFor(filter: PlainDocument, indexes: readonly IndexInfo[]): Selection {
  for (const [path, condition] of Object.entries(filter)) {
    if (path.startsWith("$")) continue;
    const values = equalityValues(condition);
    if (!values || !values.every(isIndexableScalar)) continue;
    const keys = [...new Set(values.map((value) => indexKey([value])))];
    if (path === "_id") return { kind: "ids", idKeys: keys };
    const index = indexes.find((candidate) => candidate.fields.length === 1 && candidate.fields[0] === path);
    if (index) return { kind: "index", index: index.name, unique: index.unique, keys };
  }
  return { kind: "all" };
}

import type { Long } from "bson";
import type { Cursors } from "../cursors.ts";
import { CommandError, notSupported } from "../errors.ts";
import type { Storage } from "../storage.ts";
import { isPlainObject, toPlain, type PlainDocument, type TypedDocument } from "../values.ts";

/** What a command runs with: the storage, this process's cursors, the `$db` and the connection it came on. */
export interface CommandContext {
  readonly storage: Storage;
  readonly cursors: Cursors;
  readonly database: string;
  readonly connection: { readonly id: number; readonly address: string };
  /** Answer hello as the primary of this replica set; absent: as a standalone. */
  readonly replicaSetName?: string;
  /** Identifies the PostgreSQL database the data lives in (buildInfo reports it, the engine's health check reads it). */
  readonly storageName: string;
}

export type CommandHandler = (command: TypedDocument, context: CommandContext) => Promise<TypedDocument> | TypedDocument;

/**
 * Arguments every command may carry: the target database, the session and cluster time the driver gossips, the
 * read preference of a replica set connection, and concerns and limits that a single PostgreSQL-backed node meets
 * as given (every acknowledged write is committed; maxTimeMS is not enforced).
 */
const GLOBAL_ARGUMENTS = new Set(["$db", "lsid", "$clusterTime", "$readPreference", "readConcern", "writeConcern", "comment", "maxTimeMS"]);
const READ_CONCERN_LEVELS = new Set(["local", "majority", "available"]);

/** Refuses any argument outside `allowed` and the global ones, naming it. */
export function checkArguments(command: TypedDocument, allowed: readonly string[]): void {
  const [name] = Object.keys(command);
  // A transaction's commands also carry txnNumber: name the transaction, not a retryable write.
  if ("autocommit" in command || "startTransaction" in command) throw notSupported("Transactions", "OperationNotSupportedInTransaction");
  for (const field of Object.keys(command)) {
    if (field === name || GLOBAL_ARGUMENTS.has(field) || allowed.includes(field)) continue;
    // DocumentDB's answer; the driver turns code 20 on a write into "Please add retryWrites=false to your connection string".
    if (field === "txnNumber") throw new CommandError("IllegalOperation", "Retryable writes are not supported");
    throw new CommandError("Location40415", `BSON field '${name}.${field}' is an unknown field or is not supported by the local DocumentDB stand-in`);
  }
  const readConcern = command.readConcern as unknown;
  if (readConcern !== undefined) {
    const { level, ...rest } = isPlainObject(readConcern) ? readConcern : { level: readConcern };
    if (Object.keys(rest).length > 0) throw notSupported(`readConcern.${Object.keys(rest)[0]}`);
    if (level !== undefined && !READ_CONCERN_LEVELS.has(level as string)) throw notSupported(`readConcern level ${JSON.stringify(level)}`);
  }
}

/** A non-negative integer argument (any BSON number type), or undefined when absent. */
export function countArgument(command: TypedDocument, field: string): number | undefined {
  const value = toPlain(command[field]);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new CommandError("BadValue", `${field} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function booleanArgument(command: TypedDocument, field: string): boolean | undefined {
  const value = toPlain(command[field]);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  throw new CommandError("TypeMismatch", `BSON field '${field}' is the wrong type '${typeof value}', expected type 'bool'`);
}

export function documentArgument(command: TypedDocument, field: string): TypedDocument | undefined {
  const value = command[field] as unknown;
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new CommandError("TypeMismatch", `BSON field '${field}' is the wrong type, expected type 'object'`);
  return value;
}

export function documentsArgument(command: TypedDocument, field: string): TypedDocument[] {
  const value = command[field] as unknown;
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new CommandError("TypeMismatch", `BSON field '${field}' must be an array of objects`);
  }
  return value;
}

/** A sort specification: ascending or descending fields only ($natural and $meta sorts are refused). */
export function sortArgument(command: TypedDocument, field: string): Record<string, 1 | -1> | undefined {
  const sort = documentArgument(command, field);
  if (!sort || Object.keys(sort).length === 0) return undefined;
  const plain = toPlain(sort) as PlainDocument;
  for (const [key, direction] of Object.entries(plain)) {
    if (key.startsWith("$")) throw notSupported(`The sort key ${key}`);
    if (direction !== 1 && direction !== -1) throw notSupported(`The sort order ${JSON.stringify(direction)} of '${key}'`);
  }
  return plain as Record<string, 1 | -1>;
}

/** An int64 (cursor ids are BSON Longs on the wire). */
export function longValue(value: unknown, field: string): Long {
  if ((value as { _bsontype?: string } | undefined)?._bsontype !== "Long") {
    throw new CommandError("TypeMismatch", `BSON field '${field}' is the wrong type, expected type 'long'`);
  }
  return value as Long;
}

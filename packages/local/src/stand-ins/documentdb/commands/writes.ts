import { checkCollectionName, duplicateKey, idKeyOf, indexesOf, indexWrites, selectionFor, withId, type IndexInfo } from "../collections.ts";
import { CommandError, notSupported } from "../errors.ts";
import { applyOperators, matcher, upsertSeed } from "../evaluate.ts";
import { KeyTaken, type Queryable } from "../storage.ts";
import { retype, toPlain, toPlainDocument, toStored, typeSourceFor, type PlainDocument, type TypedDocument } from "../values.ts";
import { booleanArgument, checkArguments, countArgument, documentsArgument, type CommandContext, type CommandHandler } from "./arguments.ts";

/**
 * insert, update and delete. A command's statements run in order in one PostgreSQL transaction. A statement that
 * fails (duplicate key, bad operator) is a writeError and leaves nothing of itself behind (the storage undoes its own
 * partial writes; the documents a multi-update changed before failing stay changed, as on MongoDB), and an ordered
 * command stops at it. Rows are read FOR UPDATE, so concurrent updates of a document apply one after the other.
 */

interface Target {
  readonly sql: Queryable;
  readonly context: CommandContext;
  readonly namespace: string;
  readonly collectionId: number;
  readonly indexes: readonly IndexInfo[];
}

interface WriteError {
  readonly index: number;
  readonly code: number;
  readonly errmsg: string;
  readonly [extra: string]: unknown;
}

const writeErrorOf = (position: number, error: CommandError): WriteError => ({ index: position, code: error.code, errmsg: error.message, ...error.extra });

/**
 * Runs the statements against the collection (created first when `create`; absent, nothing runs) and collects the
 * results of those that succeeded. A CommandError is that statement's writeError; any other error fails the command.
 */
async function runStatements<T, R>(
  context: CommandContext,
  collection: string,
  options: { readonly create: boolean; readonly ordered: boolean },
  statements: readonly T[],
  run: (target: Target, statement: T, position: number) => Promise<R>,
): Promise<{ results: R[]; writeErrors: WriteError[] }> {
  const { storage, database } = context;
  return storage.transaction(async (sql) => {
    const results: R[] = [];
    const writeErrors: WriteError[] = [];
    const found = options.create ? await storage.ensureCollection(sql, database, collection, "share") : await storage.collection(sql, database, collection, "share");
    if (!found) return { results, writeErrors };
    const target: Target = { sql, context, namespace: `${database}.${collection}`, collectionId: found.id, indexes: indexesOf(found) };
    for (const [position, statement] of statements.entries()) {
      try {
        results.push(await run(target, statement, position));
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        writeErrors.push(writeErrorOf(position, error));
        if (options.ordered) break;
      }
    }
    return { results, writeErrors };
  });
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

const withWriteErrors = (reply: TypedDocument, writeErrors: readonly WriteError[]) => ({ ...reply, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 });

async function insertDocument(target: Target, document: TypedDocument): Promise<void> {
  const plain = toPlainDocument(document);
  const idKey = idKeyOf(plain);
  try {
    await target.context.storage.insert(target.sql, target.collectionId, idKey, document, indexWrites(plain, target.indexes));
  } catch (error) {
    throw error instanceof KeyTaken ? keyTakenError(target, error, plain) : error;
  }
}

function keyTakenError(target: Target, error: KeyTaken, document: PlainDocument): CommandError {
  const index = error.index === "_id_" ? "_id_" : target.indexes.find((candidate) => candidate.name === error.index)!;
  return duplicateKey(target.namespace, index, error.key, document);
}

const insert: CommandHandler = async (command, context) => {
  checkArguments(command, ["documents", "ordered", "bypassDocumentValidation"]);
  const collection = checkCollectionName(command, "insert");
  const documents = documentsArgument(command, "documents");
  const ordered = booleanArgument(command, "ordered") ?? true;
  const { results, writeErrors } = await runStatements(context, collection, { create: true, ordered }, documents, (target, document) =>
    insertDocument(target, withId(document)),
  );
  return withWriteErrors({ n: results.length }, writeErrors);
};

interface UpdateStatement {
  readonly filter: TypedDocument;
  readonly update: TypedDocument;
  readonly operators: boolean;
  readonly upsert: boolean;
  readonly multi: boolean;
  readonly arrayFilters?: PlainDocument[];
}

const UPDATE_STATEMENT_FIELDS = new Set(["q", "u", "upsert", "multi", "arrayFilters"]);

function parseUpdateStatement(statement: TypedDocument): UpdateStatement {
  for (const field of Object.keys(statement)) if (!UPDATE_STATEMENT_FIELDS.has(field)) throw notSupported(`The update statement field '${field}'`);
  if (Array.isArray(statement.u)) throw notSupported("A pipeline-style update");
  const update = statement.u as TypedDocument;
  const keys = Object.keys(update ?? {});
  const operators = keys.length > 0 && keys.every((key) => key.startsWith("$"));
  if (!operators && keys.some((key) => key.startsWith("$"))) {
    throw new CommandError("FailedToParse", `The dollar ($) prefixed field '${keys.find((key) => key.startsWith("$"))}' is not allowed in a replacement document`);
  }
  const multi = booleanArgument(statement, "multi") ?? false;
  if (multi && !operators) throw new CommandError("FailedToParse", "multi update is not supported for replacement-style update");
  const arrayFilters = statement.arrayFilters === undefined ? undefined : documentsArgument(statement, "arrayFilters").map((entry) => toPlain(entry) as PlainDocument);
  return {
    filter: (statement.q as TypedDocument | undefined) ?? {},
    update,
    operators,
    upsert: booleanArgument(statement, "upsert") ?? false,
    multi,
    ...(arrayFilters ? { arrayFilters } : {}),
  };
}

/** The document `statement` makes of `previous`, or undefined when it changes nothing. */
function updated(previous: TypedDocument, statement: UpdateStatement): TypedDocument | undefined {
  if (!statement.operators) {
    const { _id, ...replacement } = statement.update;
    if (_id !== undefined && idKeyOf({ _id: toPlain(_id) }) !== idKeyOf({ _id: toPlain(previous._id) })) {
      throw new CommandError("ImmutableField", "After applying the update, the (immutable) field '_id' was found to have been altered");
    }
    const next = { _id: previous._id, ...replacement };
    return JSON.stringify(toStored(next)) === JSON.stringify(toStored(previous)) ? undefined : next;
  }
  const { $setOnInsert: _onInsertOnly, ...operators } = statement.update;
  const plain = toPlainDocument(previous);
  if (!applyOperators(plain, toPlain(operators) as PlainDocument, statement.arrayFilters)) return undefined;
  return retype(plain, typeSourceFor(previous, statement.update)) as TypedDocument;
}

/** The document an upsert inserts: the filter's equalities, then the update (with `$setOnInsert`) or the replacement. */
function upsertDocument(statement: UpdateStatement): TypedDocument {
  const seed = upsertSeed(statement.filter);
  if (!statement.operators) return withId({ ...(seed._id !== undefined ? { _id: seed._id } : {}), ...statement.update });
  const plain = toPlainDocument(seed);
  const { $setOnInsert, ...operators } = statement.update;
  applyOperators(plain, toPlain(operators) as PlainDocument, statement.arrayFilters);
  if ($setOnInsert) applyOperators(plain, { $set: toPlain($setOnInsert) } as PlainDocument);
  return withId(retype(plain, typeSourceFor(seed, statement.update)) as TypedDocument);
}

async function matching(target: Target, filter: TypedDocument, limit: number): Promise<{ idKey: string; document: TypedDocument }[]> {
  const plainFilter = toPlain(filter) as PlainDocument;
  const matches = matcher(plainFilter);
  const candidates = await target.context.storage.documents(target.sql, target.collectionId, selectionFor(plainFilter, target.indexes), true);
  const found = candidates.filter(({ document }) => matches(toPlainDocument(document)));
  return limit > 0 ? found.slice(0, limit) : found;
}

interface UpdateResult {
  readonly n: number;
  readonly nModified: number;
  readonly upserted?: { readonly index: number; readonly _id: unknown };
}

async function runUpdate(target: Target, statement: UpdateStatement, position: number): Promise<UpdateResult> {
  const found = await matching(target, statement.filter, statement.multi ? 0 : 1);
  if (found.length === 0 && statement.upsert) {
    const document = upsertDocument(statement);
    await insertDocument(target, document);
    return { n: 1, nModified: 0, upserted: { index: position, _id: document._id } };
  }
  let nModified = 0;
  for (const { idKey, document } of found) {
    const next = updated(document, statement);
    if (!next) continue;
    const plain = toPlainDocument(next);
    const before = indexWrites(toPlainDocument(document), target.indexes);
    try {
      await target.context.storage.replace(target.sql, target.collectionId, idKey, next, before, indexWrites(plain, target.indexes));
    } catch (error) {
      throw error instanceof KeyTaken ? keyTakenError(target, error, plain) : error;
    }
    nModified += 1;
  }
  return { n: found.length, nModified };
}

const update: CommandHandler = async (command, context) => {
  checkArguments(command, ["updates", "ordered", "bypassDocumentValidation"]);
  const collection = checkCollectionName(command, "update");
  const statements = documentsArgument(command, "updates").map(parseUpdateStatement);
  const options = { create: statements.some((statement) => statement.upsert), ordered: booleanArgument(command, "ordered") ?? true };
  const { results, writeErrors } = await runStatements(context, collection, options, statements, runUpdate);
  const upserted = results.flatMap((result) => (result.upserted ? [result.upserted] : []));
  const counts = { n: sum(results.map((result) => result.n)), nModified: sum(results.map((result) => result.nModified)) };
  return withWriteErrors({ ...counts, ...(upserted.length > 0 ? { upserted } : {}) }, writeErrors);
};

const DELETE_STATEMENT_FIELDS = new Set(["q", "limit"]);

const deleteCommand: CommandHandler = async (command, context) => {
  checkArguments(command, ["deletes", "ordered"]);
  const collection = checkCollectionName(command, "delete");
  const statements = documentsArgument(command, "deletes").map((statement) => {
    for (const field of Object.keys(statement)) if (!DELETE_STATEMENT_FIELDS.has(field)) throw notSupported(`The delete statement field '${field}'`);
    const limit = countArgument(statement, "limit") ?? 0;
    if (limit > 1) throw new CommandError("FailedToParse", `The limit field in delete objects must be 0 or 1. Got ${limit}`);
    return { filter: (statement.q as TypedDocument | undefined) ?? {}, limit };
  });
  const ordered = booleanArgument(command, "ordered") ?? true;
  const { results, writeErrors } = await runStatements(context, collection, { create: false, ordered }, statements, async (target, statement) => {
    const found = await matching(target, statement.filter, statement.limit);
    for (const { idKey } of found) await context.storage.remove(target.sql, target.collectionId, idKey);
    return found.length;
  });
  return withWriteErrors({ n: sum(results) }, writeErrors);
};

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: deleteCommand };

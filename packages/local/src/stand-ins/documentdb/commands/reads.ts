import { checkCollectionName, indexesOf, selectionFor } from "../collections.ts";
import type { Batch } from "../cursors.ts";
import { CommandError, notSupported } from "../errors.ts";
import { aggregate, project, select } from "../evaluate.ts";
import { retype, toPlain, toPlainDocument, type PlainDocument, type TypedDocument } from "../values.ts";
import {
  booleanArgument,
  checkArguments,
  countArgument,
  documentArgument,
  documentsArgument,
  longValue,
  sortArgument,
  type CommandContext,
  type CommandHandler,
} from "./arguments.ts";

/** A collection's documents in both views; `typedOf` maps a plain document back to the one it was read from. */
async function readCollection(context: CommandContext, collection: string, filter: PlainDocument) {
  const { storage, database } = context;
  const found = await storage.collection(storage.sql, database, collection);
  if (!found) return { plain: [] as PlainDocument[], typedOf: () => undefined };
  const stored = await storage.documents(storage.sql, found.id, selectionFor(filter, indexesOf(found)));
  const typed = new Map<PlainDocument, TypedDocument>();
  const plain = stored.map(({ document }) => {
    const view = toPlainDocument(document);
    typed.set(view, document);
    return view;
  });
  return { plain, typedOf: (view: PlainDocument) => typed.get(view) };
}

const cursorReply = (namespace: string, batch: Batch, field: "firstBatch" | "nextBatch") => ({
  cursor: { [field]: batch.documents, id: batch.id, ns: namespace },
  ok: 1,
});

const find: CommandHandler = async (command, context) => {
  checkArguments(command, ["filter", "sort", "projection", "skip", "limit", "batchSize", "singleBatch", "noCursorTimeout", "allowDiskUse"]);
  const collection = checkCollectionName(command, "find");
  const filter = toPlain(documentArgument(command, "filter") ?? {}) as PlainDocument;
  const projection = documentArgument(command, "projection");
  const sort = sortArgument(command, "sort");
  const { plain, typedOf } = await readCollection(context, collection, filter);
  const selected = select(plain, { filter, ...(sort ? { sort } : {}), skip: countArgument(command, "skip") ?? 0, limit: countArgument(command, "limit") ?? 0 });
  const documents =
    projection && Object.keys(projection).length > 0
      ? project(selected, toPlain(projection) as PlainDocument).map((view, position) => retype(view, typedOf(selected[position]!)) as TypedDocument)
      : selected.map((view) => typedOf(view)!);
  const namespace = `${context.database}.${collection}`;
  const batch = context.cursors.open(namespace, documents, {
    batchSize: countArgument(command, "batchSize"),
    singleBatch: booleanArgument(command, "singleBatch") ?? false,
    noTimeout: booleanArgument(command, "noCursorTimeout") ?? false,
  });
  return cursorReply(namespace, batch, "firstBatch");
};

const getMore: CommandHandler = (command, context) => {
  checkArguments(command, ["collection", "batchSize"]);
  const id = longValue(command.getMore, "getMore");
  const namespace = `${context.database}.${checkCollectionName(command, "collection")}`;
  return cursorReply(namespace, context.cursors.more(id, namespace, countArgument(command, "batchSize") || undefined), "nextBatch");
};

const killCursors: CommandHandler = (command, context) => {
  checkArguments(command, ["cursors"]);
  checkCollectionName(command, "killCursors");
  const ids = command.cursors as unknown;
  if (!Array.isArray(ids)) throw new CommandError("TypeMismatch", "BSON field 'killCursors.cursors' must be an array of longs");
  const { killed, notFound } = context.cursors.kill(ids.map((id: unknown, position) => longValue(id, `killCursors.cursors.${position}`)));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const aggregateCommand: CommandHandler = async (command, context) => {
  checkArguments(command, ["pipeline", "cursor", "allowDiskUse", "bypassDocumentValidation"]);
  if (typeof command.aggregate !== "string") throw notSupported("Database-level aggregation ({aggregate: 1})");
  const collection = checkCollectionName(command, "aggregate");
  const cursorOptions = documentArgument(command, "cursor");
  if (!cursorOptions) throw new CommandError("FailedToParse", "The 'cursor' option is required, except for aggregate with the explain argument");
  const pipeline = documentsArgument(command, "pipeline").map((stage) => toPlain(stage) as PlainDocument);
  const first = pipeline[0]?.$match;
  const { plain, typedOf } = await readCollection(context, collection, (first ?? {}) as PlainDocument);
  // Documents that only passed through ($match, $sort, $limit, $skip) keep their stored types.
  const documents = aggregate(plain, pipeline).map((view) => typedOf(view) ?? (retype(view, undefined) as TypedDocument));
  const namespace = `${context.database}.${collection}`;
  return cursorReply(namespace, context.cursors.open(namespace, documents, { batchSize: countArgument(cursorOptions, "batchSize") }), "firstBatch");
};

/** The count command (estimatedDocumentCount, and count with a query). */
const count: CommandHandler = async (command, context) => {
  checkArguments(command, ["query", "limit", "skip"]);
  const collection = checkCollectionName(command, "count");
  const filter = toPlain(documentArgument(command, "query") ?? {}) as PlainDocument;
  const { plain } = await readCollection(context, collection, filter);
  const n = select(plain, { filter, skip: countArgument(command, "skip") ?? 0, limit: countArgument(command, "limit") ?? 0 }).length;
  return { n, ok: 1 };
};

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, aggregate: aggregateCommand, count };

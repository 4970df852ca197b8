import { checkCollectionName, duplicateKey, ID_INDEX_SPEC, indexesOf, indexWrites, parseIndexSpec, type IndexInfo } from "../collections.ts";
import { CommandError } from "../errors.ts";
import { matcher } from "../evaluate.ts";
import { KeyTaken } from "../storage.ts";
import { toPlain, toPlainDocument, type PlainDocument, type TypedDocument } from "../values.ts";
import { booleanArgument, checkArguments, countArgument, documentArgument, documentsArgument, type CommandHandler } from "./arguments.ts";

/** Collections and indexes: create, drop, dropDatabase, listCollections, createIndexes, listIndexes. */

const create: CommandHandler = async (command, context) => {
  checkArguments(command, []);
  const collection = checkCollectionName(command, "create");
  const { created } = await context.storage.ensureCollection(context.storage.sql, context.database, collection);
  if (!created) throw new CommandError("NamespaceExists", `Collection ${context.database}.${collection} already exists.`);
  return { ok: 1 };
};

/** A missing collection is NamespaceNotFound, as on DocumentDB 5.0 (and MongoDB before 7.0); the driver's drop() treats it as false. */
const drop: CommandHandler = async (command, context) => {
  checkArguments(command, []);
  const collection = checkCollectionName(command, "drop");
  const indexes = await context.storage.dropCollection(context.database, collection);
  if (indexes === undefined) throw new CommandError("NamespaceNotFound", "ns not found");
  return { nIndexesWas: indexes, ns: `${context.database}.${collection}`, ok: 1 };
};

const dropDatabase: CommandHandler = async (command, context) => {
  checkArguments(command, []);
  await context.storage.dropDatabase(context.database);
  return { dropped: context.database, ok: 1 };
};

const listCollections: CommandHandler = async (command, context) => {
  checkArguments(command, ["filter", "nameOnly", "authorizedCollections", "cursor"]);
  const nameOnly = booleanArgument(command, "nameOnly") ?? false;
  const infos: TypedDocument[] = (await context.storage.collectionNames(context.database)).map((name) =>
    nameOnly ? { name, type: "collection" } : { name, type: "collection", options: {}, info: { readOnly: false }, idIndex: ID_INDEX_SPEC },
  );
  const filter = documentArgument(command, "filter");
  const matches = filter ? matcher(toPlain(filter) as PlainDocument) : () => true;
  const namespace = `${context.database}.$cmd.listCollections`;
  const batch = context.cursors.open(namespace, infos.filter((info) => matches(toPlainDocument(info))), {
    batchSize: countArgument(documentArgument(command, "cursor") ?? {}, "batchSize"),
  });
  return { cursor: { firstBatch: batch.documents, id: batch.id, ns: namespace }, ok: 1 };
};

const listIndexes: CommandHandler = async (command, context) => {
  checkArguments(command, ["cursor"]);
  const collection = checkCollectionName(command, "listIndexes");
  const { storage, database } = context;
  const found = await storage.collection(storage.sql, database, collection);
  if (!found) throw new CommandError("NamespaceNotFound", `ns does not exist: ${database}.${collection}`);
  const specs = [ID_INDEX_SPEC, ...found.indexSpecs];
  const namespace = `${database}.$cmd.listIndexes.${collection}`;
  const batch = context.cursors.open(namespace, specs, { batchSize: countArgument(documentArgument(command, "cursor") ?? {}, "batchSize") });
  return { cursor: { firstBatch: batch.documents, id: batch.id, ns: namespace }, ok: 1 };
};

const sameKeys = (a: IndexInfo, b: IndexInfo) => JSON.stringify(toPlain(a.keyPattern)) === JSON.stringify(toPlain(b.keyPattern));

/**
 * Builds each new index over the documents already there, holding the collection exclusively; a duplicate among
 * them fails the command with the duplicate key error and creates none of the requested indexes.
 */
const createIndexes: CommandHandler = async (command, context) => {
  checkArguments(command, ["indexes"]);
  const collection = checkCollectionName(command, "createIndexes");
  const requested = documentsArgument(command, "indexes").map(parseIndexSpec);
  const { storage, database } = context;
  const namespace = `${database}.${collection}`;
  return storage.transaction(async (tx) => {
    const target = await storage.ensureCollection(tx, database, collection, "exclusive");
    const { id, created } = target;
    const existing = indexesOf(target);
    const idIndex = parseIndexSpec(ID_INDEX_SPEC);
    const added: IndexInfo[] = [];
    for (const index of requested) {
      const sameName = [idIndex, ...existing, ...added].find((candidate) => candidate.name === index.name);
      const sameKey = [idIndex, ...existing, ...added].find((candidate) => sameKeys(candidate, index));
      if (sameName && !sameKeys(sameName, index)) {
        throw new CommandError("IndexKeySpecsConflict", `An existing index has the same name as the requested index but different keys. Requested index: ${index.name}`);
      }
      if (sameKey && sameKey.name !== index.name) throw new CommandError("IndexOptionsConflict", `Index already exists with a different name: ${sameKey.name}`);
      if (sameName) {
        if (sameName.unique !== index.unique || sameName.sparse !== index.sparse) {
          throw new CommandError("IndexOptionsConflict", `An index with the same key pattern and name exists with different options: ${index.name}`);
        }
        continue;
      }
      await storage.addIndex(tx, id, index.name, index.spec);
      added.push(index);
    }
    if (added.length > 0) {
      for (const { idKey, document } of await storage.documents(tx, id, { kind: "all" })) {
        const plain = toPlainDocument(document);
        for (const write of indexWrites(plain, added)) {
          try {
            await storage.addEntries(tx, id, idKey, write);
          } catch (error) {
            if (!(error instanceof KeyTaken)) throw error;
            const failed = duplicateKey(namespace, added.find((index) => index.name === error.index)!, error.key, plain);
            throw new CommandError("DuplicateKey", `Index build failed: ${failed.message}`, failed.extra);
          }
        }
      }
    }
    const before = existing.length + 1;
    return {
      numIndexesBefore: before,
      numIndexesAfter: before + added.length,
      createdCollectionAutomatically: created,
      ...(added.length === 0 ? { note: "all indexes already exist" } : {}),
      ok: 1,
    };
  });
};

export const adminCommands: Record<string, CommandHandler> = { create, drop, dropDatabase, listCollections, listIndexes, createIndexes };

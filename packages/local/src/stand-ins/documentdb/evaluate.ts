import { Aggregator, Query, update } from "mingo";
import { setValue } from "mingo/util";
import type { Options } from "mingo/types";
import { CommandError, type CodeName } from "./errors.ts";
import { isPlainObject, type PlainDocument, type TypedDocument } from "./values.ts";

/**
 * Query, projection, sort, aggregation and update semantics: mingo's, on the plain view of the documents. mingo
 * throws on an operator it does not know, which becomes a command error naming it. Scripts ($where, $function,
 * $accumulator) are off, as on DocumentDB.
 */
const options: Partial<Options> = { scriptEnabled: false, useStrictMode: true };

function evaluating<T>(codeName: CodeName, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CommandError(/immutable field/i.test(message) ? "ImmutableField" : codeName, message);
  }
}

export function matcher(filter: PlainDocument): (document: PlainDocument) => boolean {
  const query = evaluating("BadValue", () => new Query(filter, options));
  return (document) => evaluating("BadValue", () => query.test(document));
}

export interface FindSpec {
  readonly filter: PlainDocument;
  readonly sort?: Record<string, 1 | -1>;
  readonly skip?: number;
  /** 0 or absent: no limit. */
  readonly limit?: number;
}

/** The matching documents in result order (the same objects as given, so callers can map them back). */
export function select(documents: readonly PlainDocument[], spec: FindSpec): PlainDocument[] {
  return evaluating("BadValue", () => {
    let cursor = new Query(spec.filter, options).find<PlainDocument>(documents as PlainDocument[]);
    if (spec.sort) cursor = cursor.sort(spec.sort);
    if (spec.skip) cursor = cursor.skip(spec.skip);
    if (spec.limit) cursor = cursor.limit(spec.limit);
    return cursor.all();
  });
}

export function project(documents: readonly PlainDocument[], projection: PlainDocument): PlainDocument[] {
  return evaluating("BadValue", () => new Query({}, options).find<PlainDocument>(documents as PlainDocument[], projection).all());
}

/**
 * The stages that need nothing but the documents flowing through them. Stages that read or write other collections
 * ($lookup, $out, $merge, ...) or need server features ($search, $geoNear, $changeStream, ...) are refused.
 */
export const PIPELINE_STAGES = [
  "$match",
  "$group",
  "$sort",
  "$limit",
  "$skip",
  "$project",
  "$count",
  "$unwind",
  "$addFields",
  "$set",
  "$unset",
  "$replaceRoot",
  "$replaceWith",
  "$sortByCount",
] as const;

export function aggregate(documents: readonly PlainDocument[], pipeline: readonly PlainDocument[]): PlainDocument[] {
  for (const stage of pipeline) {
    const names = Object.keys(stage);
    if (names.length !== 1) throw new CommandError("Location40324", `A pipeline stage specification object must contain exactly one field, got ${names.length}`);
    const name = names[0]!;
    if (!(PIPELINE_STAGES as readonly string[]).includes(name)) {
      throw new CommandError(
        "Location40324",
        `Unrecognized pipeline stage name: '${name}' (the local DocumentDB stand-in supports ${PIPELINE_STAGES.join(", ")})`,
      );
    }
  }
  return evaluating("BadValue", () => new Aggregator(pipeline as PlainDocument[], options).run(documents as PlainDocument[]) as PlainDocument[]);
}

/** Applies update operators in place; false when nothing changed. `$setOnInsert` is the caller's (upserts only). */
export function applyOperators(document: PlainDocument, modifier: PlainDocument, arrayFilters?: PlainDocument[]): boolean {
  return evaluating("FailedToParse", () => update(document, modifier, arrayFilters, undefined, { queryOptions: options }).length > 0);
}

/**
 * The document an upsert starts from: the filter's equality conditions (`{a: 1}`, `{a: {$eq: 1}}`, inside `$and`),
 * dotted paths made nested, as MongoDB seeds it. Works on either view.
 */
export function upsertSeed(filter: TypedDocument): TypedDocument {
  const seed: TypedDocument = {};
  const visit = (conditions: TypedDocument) => {
    for (const [path, condition] of Object.entries(conditions)) {
      if (path === "$and" && Array.isArray(condition)) {
        for (const clause of condition) if (isPlainObject(clause)) visit(clause);
      } else if (path.startsWith("$")) {
        continue;
      } else if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith("$"))) {
        if ("$eq" in condition) setValue(seed, path, condition.$eq);
      } else {
        setValue(seed, path, condition);
      }
    }
  };
  visit(filter);
  return seed;
}

import { createHash } from "node:crypto";
import { Double, EJSON, Int32, Long, type BSONRegExp, type Document, type ObjectId } from "bson";
import { CommandError, notSupported } from "./errors.ts";

/**
 * Two views of one document. The typed view is what travels on the wire and is stored: every BSON type kept, numbers
 * as Int32 / Double / Long. The plain view is what mingo evaluates: numbers as JS numbers, so that 5, 5.0 and 5L
 * compare as MongoDB compares them (mingo would compare number classes by their text). Results computed on the plain
 * view get their number types back from the typed document they came from (`retype`).
 */
export type TypedDocument = Document;
export type PlainDocument = Record<string, unknown>;

const bsonTypeOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null ? (value as { _bsontype?: string })._bsontype : undefined;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const mapObject = (value: Record<string, unknown>, fn: (entry: unknown, key: string) => unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = fn(value[key], key);
  return out;
};

const JS_REGEX_FLAGS = new Set(["i", "m", "s", "u"]);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function toPlain(value: unknown): unknown {
  switch (bsonTypeOf(value)) {
    case undefined:
      break;
    case "Int32":
    case "Double":
      return (value as Int32 | Double).valueOf();
    case "Long": {
      const big = (value as Long).toBigInt();
      return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : value;
    }
    case "BSONRegExp": {
      const { pattern, options } = value as BSONRegExp;
      const unsupported = [...options].filter((flag) => !JS_REGEX_FLAGS.has(flag));
      if (unsupported.length > 0) throw notSupported(`The regular expression option "${unsupported.join("")}"`);
      return new RegExp(pattern, options);
    }
    default:
      return value;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPlainObject(value)) return mapObject(value, toPlain);
  return value;
}

export const toPlainDocument = (document: TypedDocument) => toPlain(document) as PlainDocument;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function typedNumber(value: number, kind: string | undefined): unknown {
  const integral = Number.isInteger(value);
  if (kind === "Double") return new Double(value);
  if (kind === "Long" && integral) return Long.fromNumber(value);
  // An Int32 that outgrows 32 bits becomes a Long, as MongoDB's $inc makes it.
  if (kind === "Int32" && integral) return value >= INT32_MIN && value <= INT32_MAX ? new Int32(value) : Long.fromNumber(value);
  // Otherwise the driver's default: Int32 when integral and in range, else Double.
  return value;
}

/**
 * The typed view of `plain`: each number takes the type the same path has in `source` when it still fits that type;
 * numbers without a typed counterpart take the default BSON type for their value.
 */
export function retype(plain: unknown, source: unknown): unknown {
  if (typeof plain === "number") return typedNumber(plain, bsonTypeOf(source));
  if (Array.isArray(plain)) return plain.map((entry, index) => retype(entry, Array.isArray(source) ? source[index] : undefined));
  if (isPlainObject(plain)) {
    const from = isPlainObject(source) ? source : undefined;
    return mapObject(plain, (entry, key) => retype(entry, from?.[key]));
  }
  return plain;
}

const NUMBER_WIDTH: Record<string, number> = { Int32: 1, Long: 2, Double: 3 };

const valueAt = (document: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((value, segment) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[segment] : undefined), document);

/** A copy of `document` with `value` at `path`, copying only the objects along the path. */
function withValueAt(document: unknown, path: readonly string[], value: unknown): unknown {
  const [segment, ...rest] = path;
  if (segment === undefined) return value;
  if (Array.isArray(document)) {
    const copy = [...document];
    copy[Number(segment)] = withValueAt(document[Number(segment)], rest, value);
    return copy;
  }
  const object = isPlainObject(document) ? document : {};
  return { ...object, [segment]: withValueAt(object[segment], rest, value) };
}

/**
 * The number types an update gives the paths it writes, for `retype`: `$set` and `$setOnInsert` values keep the type
 * the client sent; `$inc` and `$mul` results take the wider of the field's and the operand's type (Int32 < Long <
 * Double), as MongoDB's arithmetic does. Positional paths (`a.$`, `a.$[x]`) and other operators take defaults.
 */
export function typeSourceFor(previous: TypedDocument, modifier: TypedDocument): unknown {
  let source: unknown = previous;
  for (const operator of ["$set", "$setOnInsert", "$inc", "$mul"] as const) {
    const fields = modifier[operator] as Document | undefined;
    if (!isPlainObject(fields)) continue;
    for (const [dotted, operand] of Object.entries(fields)) {
      const path = dotted.split(".");
      if (path.some((segment) => segment.startsWith("$"))) continue;
      if (operator === "$set" || operator === "$setOnInsert") {
        source = withValueAt(source, path, operand);
        continue;
      }
      const current = bsonTypeOf(valueAt(previous, path));
      const given = bsonTypeOf(operand);
      const wider = (NUMBER_WIDTH[current ?? ""] ?? 0) >= (NUMBER_WIDTH[given ?? ""] ?? 0) ? valueAt(previous, path) : operand;
      source = withValueAt(source, path, wider);
    }
  }
  return source;
}

/** Stored form: canonical Extended JSON, which keeps every BSON type through PostgreSQL's JSONB. */
export const toStored = (document: TypedDocument): Document => EJSON.serialize(document, { relaxed: false });

/** Back from storage, `_id` first as MongoDB returns it (JSONB keeps its own key order). */
export function fromStored(stored: Document): TypedDocument {
  const { _id, ...rest } = EJSON.deserialize(stored, { relaxed: false }) as TypedDocument;
  return _id === undefined ? rest : { _id, ...rest };
}

const UNDEFINED_KEY = ["undefined"];

/** A value's identity in an index: values MongoDB finds equal (5, 5.0, 5L) share it, different ones do not. */
function keyPart(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return ["n", String(value === 0 ? 0 : value)];
  if (typeof value === "string") return ["s", value];
  if (typeof value === "boolean") return ["b", value];
  if (value instanceof Date) return ["d", value.getTime()];
  if (value instanceof RegExp) return ["r", value.source, value.flags];
  if (Array.isArray(value)) return ["a", value.map(keyPart)];
  if (isPlainObject(value)) return ["o", Object.entries(value).map(([key, entry]) => [key, keyPart(entry)])];
  const type = bsonTypeOf(value);
  if (type === "Long") return ["n", String(value)];
  if (type === "ObjectId") return ["oid", (value as ObjectId).toHexString()];
  return [type ?? typeof value, EJSON.stringify(value as Document, { relaxed: false })];
}

const MAX_KEY_TEXT = 256;

/** The text stored in PostgreSQL for an index entry; long keys are hashed so that any value can be indexed. */
export function indexKey(values: readonly unknown[]): string {
  const text = JSON.stringify(values.map((value) => (value === UNDEFINED_KEY ? value : keyPart(value))));
  return text.length <= MAX_KEY_TEXT ? text : `#${createHash("sha256").update(text).digest("hex")}`;
}

/** The values a dotted path reaches, through arrays as a multikey index reaches them; none when it is missing. */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  const [segment, ...rest] = path;
  if (segment === undefined) {
    if (!Array.isArray(value)) return [value];
    return value.length === 0 ? [UNDEFINED_KEY] : value;
  }
  if (Array.isArray(value)) {
    if (/^\d+$/.test(segment)) return valuesAt(value[Number(segment)], rest);
    return value.flatMap((entry) => valuesAt(entry, path));
  }
  if (isPlainObject(value) && segment in value) return valuesAt(value[segment], rest);
  return [];
}

export interface IndexEntry {
  readonly key: string;
  /** The field values of this entry, for the duplicate key error's keyValue. */
  readonly values: readonly unknown[];
}

/**
 * The entries `document` (plain view) has in an index on `fields`: one per array element for a multikey field;
 * a missing field is null, and a sparse index skips documents missing every field.
 */
export function indexEntries(document: PlainDocument, fields: readonly string[], sparse: boolean): IndexEntry[] {
  const perField = fields.map((field) => valuesAt(document, field.split(".")));
  if (sparse && perField.every((values) => values.length === 0)) return [];
  if (perField.filter((values) => values.length > 1).length > 1) {
    throw new CommandError("CannotIndexParallelArrays", `cannot index parallel arrays [${fields.join("] [")}]`);
  }
  let combinations: unknown[][] = [[]];
  for (const values of perField) {
    const choices = values.length === 0 ? [null] : values;
    combinations = combinations.flatMap((prefix) => choices.map((value) => [...prefix, value]));
  }
  const entries = new Map<string, IndexEntry>();
  for (const values of combinations) {
    const key = indexKey(values);
    if (!entries.has(key)) entries.set(key, { key, values: values.map((value) => (value === UNDEFINED_KEY ? undefined : value)) });
  }
  return [...entries.values()];
}

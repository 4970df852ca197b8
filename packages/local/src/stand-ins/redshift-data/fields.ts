/**
 * PostgreSQL result columns as the Data API returns them: each value a `Field` union member chosen by the column's
 * type, as JSON text. Results are serialized once, into pages, when a statement finishes: a page is served as is, and
 * a result costs its JSON size in memory rather than a JS object per value.
 */

/** A column of a result, as postgres.js describes it (type = PostgreSQL type OID). */
export interface ResultColumn {
  readonly name: string;
  readonly type: number;
}

type FieldKind = "long" | "double" | "boolean" | "string";

interface ColumnType {
  readonly typeName: string;
  readonly kind: FieldKind;
  /** Digits of the type for fixed-width types, as JDBC reports them; 0 where it depends on the column's declaration. */
  readonly precision: number;
}

/**
 * The PostgreSQL types the stand-in maps, by OID, with Redshift's names for them. Anything else (bytea, json, uuid,
 * arrays, ...) fails the statement: Redshift has no such type, or the Data API returns it in a way not modelled here.
 * `text` is reported as `varchar`: Redshift stores TEXT columns as VARCHAR(256).
 */
const COLUMN_TYPES: ReadonlyMap<number, ColumnType> = new Map([
  [16, { typeName: "bool", kind: "boolean", precision: 1 }],
  [21, { typeName: "int2", kind: "long", precision: 5 }],
  [23, { typeName: "int4", kind: "long", precision: 10 }],
  [20, { typeName: "int8", kind: "long", precision: 19 }],
  [700, { typeName: "float4", kind: "double", precision: 8 }],
  [701, { typeName: "float8", kind: "double", precision: 17 }],
  [1700, { typeName: "numeric", kind: "string", precision: 0 }],
  [25, { typeName: "varchar", kind: "string", precision: 0 }],
  [1043, { typeName: "varchar", kind: "string", precision: 0 }],
  [1042, { typeName: "bpchar", kind: "string", precision: 0 }],
  [19, { typeName: "name", kind: "string", precision: 0 }],
  [1082, { typeName: "date", kind: "string", precision: 13 }],
  [1083, { typeName: "time", kind: "string", precision: 15 }],
  [1266, { typeName: "timetz", kind: "string", precision: 21 }],
  [1114, { typeName: "timestamp", kind: "string", precision: 29 }],
  [1184, { typeName: "timestamptz", kind: "string", precision: 35 }],
]);

/** OIDs whose values postgres.js would parse into JS values: the stand-in takes the server's text instead. */
export const PARSED_TYPE_OIDS = [...COLUMN_TYPES.keys()];

/** The Data API's per-row limit ("Packet for query is too large" past it). */
export const MAX_ROW_BYTES = 64 * 1024;

export class UnsupportedResultError extends Error {}

const SPECIAL_DOUBLES = new Set(["NaN", "Infinity", "-Infinity"]);

function fieldWriter(kind: FieldKind): (text: string) => string {
  switch (kind) {
    // PostgreSQL's text form of an integer is a valid JSON number.
    case "long":
      return (text) => `{"longValue":${text}}`;
    // JSON has no NaN or infinities; the AWS JSON protocol sends them as strings.
    case "double":
      return (text) => (SPECIAL_DOUBLES.has(text) ? `{"doubleValue":"${text}"}` : `{"doubleValue":${text}}`);
    case "boolean":
      return (text) => `{"booleanValue":${text === "t"}}`;
    case "string":
      return (text) => `{"stringValue":${JSON.stringify(text)}}`;
  }
}

function columnTypeOf(column: ResultColumn): ColumnType {
  const type = COLUMN_TYPES.get(column.type);
  if (!type) {
    throw new UnsupportedResultError(
      `Column "${column.name}" has PostgreSQL type OID ${column.type}, which the local Data API stand-in does not map to a Data API field ` +
        `(supported: ${[...new Set([...COLUMN_TYPES.values()].map((entry) => entry.typeName))].join(", ")})`,
    );
  }
  return type;
}

/** `ColumnMetadata` as JSON text. Nullability, lengths and source tables are not looked up: reported as unknown. */
export function columnMetadataJson(columns: readonly ResultColumn[]): string {
  return JSON.stringify(
    columns.map((column) => {
      const { typeName, kind, precision } = columnTypeOf(column);
      return {
        name: column.name,
        label: column.name,
        typeName,
        nullable: 1,
        isSigned: kind === "long" || kind === "double" || typeName === "numeric",
        isCaseSensitive: kind === "string",
        isCurrency: false,
        precision,
        scale: 0,
        length: 0,
        schemaName: "",
        tableName: "",
      };
    }),
  );
}

export interface SerializedResult {
  /** Each page's `Records` array as JSON text. */
  readonly pages: readonly string[];
  readonly columnMetadata: string;
  readonly totalRows: number;
  /** Bytes of all the records' JSON (DescribeStatement's ResultSize). */
  readonly bytes: number;
}

/**
 * Serializes rows (values as PostgreSQL text, null for NULL) into pages of at most about `pageBytes` each: a page
 * closes once it reaches the bound, so only a single row wider than the bound makes a page larger.
 */
export function serializeResult(columns: readonly ResultColumn[], rows: readonly (readonly (string | null)[])[], pageBytes: number): SerializedResult {
  const writers = columns.map((column) => fieldWriter(columnTypeOf(column).kind));
  const pages: string[] = [];
  let page: string[] = [];
  let pageSize = 0;
  let bytes = 0;
  rows.forEach((row, rowIndex) => {
    const record = `[${row.map((value, column) => (value === null ? `{"isNull":true}` : writers[column]!(value))).join(",")}]`;
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: most rows need no byte count.
    if (record.length * 3 > MAX_ROW_BYTES && Buffer.byteLength(record) > MAX_ROW_BYTES) {
      throw new UnsupportedResultError(`Row ${rowIndex + 1} of the result is ${Buffer.byteLength(record)} bytes; the Data API returns rows of at most 64 KB`);
    }
    page.push(record);
    pageSize += record.length + 1;
    bytes += record.length;
    if (pageSize >= pageBytes) {
      pages.push(`[${page.join(",")}]`);
      page = [];
      pageSize = 0;
    }
  });
  if (page.length > 0 || pages.length === 0) pages.push(`[${page.join(",")}]`);
  return { pages, columnMetadata: columnMetadataJson(columns), totalRows: rows.length, bytes };
}

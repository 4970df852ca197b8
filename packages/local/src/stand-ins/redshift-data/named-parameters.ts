import { validation } from "./protocol.ts";

/** A Data API `SqlParameter`: a name used as `:name` in the SQL and a string value Redshift converts implicitly. */
export interface SqlParameter {
  readonly name: string;
  readonly value: string;
}

const NAME = /^[0-9a-zA-Z_]+$/;
const NAME_CHAR = /[0-9a-zA-Z_]/;

/**
 * Rewrites the Data API's `:name` placeholders to PostgreSQL's `$n` and orders the values to match. Quoted strings,
 * quoted identifiers, dollar-quoted bodies, comments and `::` casts are left alone. The values are sent untyped, so
 * PostgreSQL infers each type from where it is used, as Redshift converts the string values.
 * A placeholder without a parameter, or a parameter the SQL never uses, is a ValidationException.
 */
export function bindNamedParameters(sql: string, parameters: readonly SqlParameter[]): { text: string; values: string[] } {
  const byName = new Map<string, string>();
  for (const { name, value } of parameters) {
    if (!NAME.test(name)) throw validation(`Parameter name "${name}" must match [0-9a-zA-Z_]+`);
    if (byName.has(name)) throw validation(`Parameter "${name}" is given more than once`);
    byName.set(name, value);
  }
  const positions = new Map<string, number>();
  const values: string[] = [];
  let text = "";
  let index = 0;
  while (index < sql.length) {
    const skipped = skipQuotedOrComment(sql, index);
    if (skipped > index) {
      text += sql.slice(index, skipped);
      index = skipped;
      continue;
    }
    const char = sql[index]!;
    if (char === "$" && /[0-9]/.test(sql[index + 1] ?? "")) {
      throw validation("Positional parameters ($1, ...) are not part of the Data API: use :name with Parameters");
    }
    if (char === ":" && sql[index + 1] === ":") {
      text += "::";
      index += 2;
      continue;
    }
    if (char === ":" && NAME_CHAR.test(sql[index + 1] ?? "")) {
      let end = index + 1;
      while (end < sql.length && NAME_CHAR.test(sql[end]!)) end += 1;
      const name = sql.slice(index + 1, end);
      const value = byName.get(name);
      if (value === undefined) throw validation(`The SQL uses :${name} but no parameter named "${name}" is given`);
      let position = positions.get(name);
      if (position === undefined) {
        values.push(value);
        position = values.length;
        positions.set(name, position);
      }
      text += `$${position}`;
      index = end;
      continue;
    }
    text += char;
    index += 1;
  }
  const unused = [...byName.keys()].filter((name) => !positions.has(name));
  if (unused.length > 0) throw validation(`Parameters not used in the SQL: ${unused.join(", ")}`);
  return { text, values };
}

/** The index after a quoted string, quoted identifier, dollar-quoted body or comment starting at `start`; `start` if none does. */
function skipQuotedOrComment(sql: string, start: number): number {
  const char = sql[start];
  const next = sql[start + 1];
  if (char === "'" || char === '"') return closingQuote(sql, start, char);
  if (char === "-" && next === "-") {
    const end = sql.indexOf("\n", start);
    return end === -1 ? sql.length : end + 1;
  }
  if (char === "/" && next === "*") {
    const end = sql.indexOf("*/", start + 2);
    return end === -1 ? sql.length : end + 2;
  }
  if (char === "$") {
    const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(start))?.[0];
    if (tag) {
      const end = sql.indexOf(tag, start + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  return start;
}

/** A doubled quote inside the literal is an escaped quote, not the end. */
function closingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  return sql.length;
}

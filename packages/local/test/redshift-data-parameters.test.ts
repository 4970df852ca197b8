import { describe, expect, it } from "vitest";
import { bindNamedParameters } from "../src/stand-ins/redshift-data/named-parameters.ts";

const parameter = (name: string, value: string) => ({ name, value });

describe("Data API named parameters on PostgreSQL", () => {
  it("numbers each name once, in order of first use, and reuses it", () => {
    expect(bindNamedParameters("select * from t where a >= :low and b < :high and c <> :low", [parameter("high", "9"), parameter("low", "1")])).toEqual({
      text: "select * from t where a >= $1 and b < $2 and c <> $1",
      values: ["1", "9"],
    });
  });

  it("leaves casts, quoted text, quoted identifiers, comments and dollar-quoted bodies alone", () => {
    const sql = `select :id::int, ':not_a', "col:name", e'it''s :x', $body$ :y $body$ -- :z\n/* :w */ from t`;
    expect(bindNamedParameters(sql, [parameter("id", "7")])).toEqual({
      text: `select $1::int, ':not_a', "col:name", e'it''s :x', $body$ :y $body$ -- :z\n/* :w */ from t`,
      values: ["7"],
    });
  });

  it.each([
    ["a placeholder without a parameter", "select :a, :b", [parameter("a", "1")], /uses :b but no parameter named "b"/],
    ["a parameter the SQL does not use", "select :a", [parameter("a", "1"), parameter("b", "2")], /not used in the SQL: b/],
    ["a name given twice", "select :a", [parameter("a", "1"), parameter("a", "2")], /"a" is given more than once/],
    ["a name outside [0-9a-zA-Z_]", "select :a", [parameter("a", "1"), parameter("a-b", "2")], /must match/],
    ["PostgreSQL's positional parameters", "select $1", [], /Positional parameters/],
  ])("refuses %s", (_, sql, parameters, message) => {
    expect(() => bindNamedParameters(sql, parameters)).toThrow(message);
  });
});

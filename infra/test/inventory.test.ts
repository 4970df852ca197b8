import { describe, expect, it } from "vitest";
import { inventoryTable } from "../inventory/print.ts";

describe("infra inventory table", () => {
  it("lists every type once with its count per stage, zero where a stage lacks it, and totals", () => {
    const table = inventoryTable({
      dev: { "aws:sqs/queue:Queue": 8 },
      production: { "aws:sqs/queue:Queue": 8, "aws:rds/globalCluster:GlobalCluster": 1 },
    });
    const rows = table.split("\n").map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([
      ["resource", "type", "dev", "production"],
      ["aws:rds/globalCluster:GlobalCluster", "0", "1"],
      ["aws:sqs/queue:Queue", "8", "8"],
      ["total", "8", "9"],
    ]);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { longField, redshiftDataClient, redshiftDataWarehouse, stringField } from "../src/analytics/redshift-data-warehouse.ts";

/** The local platform's Data API stand-in (its endpoint and warehouse are in the environment the root test setup made). */
const client = redshiftDataClient();
const warehouse = redshiftDataWarehouse({ client, workgroupName: process.env.ANALYTICS_WORKGROUP_NAME!, database: process.env.ANALYTICS_DATABASE_NAME! });
afterAll(() => client.destroy());

describe("the analytics warehouse through the Redshift Data API", () => {
  it("runs a statement with named parameters, waits for it to finish and reads typed fields", async () => {
    const statement = await warehouse.execute("select i * :factor::int as scaled, 'row-' || cast(i as varchar) as label from generate_series(1, 3) as i order by i", { factor: 10 });
    expect(statement.Status).toBe("FINISHED");
    const records = [];
    for await (const page of warehouse.resultPages(statement.Id!)) records.push(...page);
    expect(records.map((record) => [longField(record[0], "scaled"), stringField(record[1], "label")])).toEqual([
      [10, "row-1"],
      [20, "row-2"],
      [30, "row-3"],
    ]);
  });

  it("reads every page of a result larger than one page, in order", async () => {
    const statement = await warehouse.execute("select i, repeat('x', 60) as padding from generate_series(0, 29999) as i order by i");
    let pages = 0;
    const ids: number[] = [];
    for await (const page of warehouse.resultPages(statement.Id!)) {
      pages += 1;
      for (const record of page) ids.push(longField(record[0], "i"));
    }
    expect(pages).toBeGreaterThan(1);
    expect(ids).toEqual(Array.from({ length: 30_000 }, (_, index) => index));
  });

  it("throws with the database's reason when a statement fails", async () => {
    await expect(warehouse.execute("select * from no_such_table_anywhere")).rejects.toThrow(/FAILED: ERROR: relation "no_such_table_anywhere" does not exist/);
  });

  it("runs a batch as one transaction", async () => {
    const table = `warehouse_probe_${process.pid}`;
    await expect(warehouse.executeBatch([`create table ${table} (id integer)`, `insert into ${table} values (1)`, "select 1 / 0"])).rejects.toThrow(/FAILED/);
    const exists = await warehouse.execute("select count(*) as tables from pg_tables where tablename = :name", { name: table });
    const { value: records } = await warehouse.resultPages(exists.Id!).next();
    expect(longField(records?.[0]?.[0], "tables")).toBe(0);
  });

  it("cancels a statement that outlives its timeout and says so", async () => {
    await expect(warehouse.execute("select pg_sleep(30)", {}, { timeoutMs: 300 })).rejects.toThrow(/did not finish within 300 ms .*cancelled/);
  });

  it("refuses a field of the wrong type, naming the column", () => {
    expect(() => longField({ stringValue: "7" }, "quantity")).toThrow(/Column quantity: expected a long value/);
  });
});

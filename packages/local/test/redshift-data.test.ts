import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  RedshiftDataClient,
  type DescribeStatementResponse,
  type ExecuteStatementCommandInput,
  type Field,
} from "@aws-sdk/client-redshift-data";
import { afterAll, describe, expect, it } from "vitest";
import { sleep } from "@cloudcafe/core/sleep";
import { useLocalEnv } from "../src/testing/env.ts";

/**
 * The Redshift Data API stand-in, through the real SDK client configured only by the local environment map
 * (AWS_ENDPOINT_URL_REDSHIFT_DATA, ANALYTICS_WORKGROUP_NAME, ANALYTICS_DATABASE_NAME), as a function would use it.
 */
const env = useLocalEnv();
const warehouse = { WorkgroupName: env.ANALYTICS_WORKGROUP_NAME!, Database: env.ANALYTICS_DATABASE_NAME! };
const client = new RedshiftDataClient({ maxAttempts: 1 });
afterAll(() => client.destroy());

async function execute(sql: string, input: Partial<ExecuteStatementCommandInput> = {}): Promise<string> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...warehouse, Sql: sql, ...input }));
  return Id!;
}

async function until(id: string, done: (statement: DescribeStatementResponse) => boolean): Promise<DescribeStatementResponse> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const statement = await client.send(new DescribeStatementCommand({ Id: id }));
    if (done(statement) || Date.now() > deadline) return statement;
    await sleep(20);
  }
}

const ended = (id: string) => until(id, ({ Status }) => Status === "FINISHED" || Status === "FAILED" || Status === "ABORTED");

async function allPages(id: string): Promise<{ records: Field[][]; pages: number; totalNumRows: number[] }> {
  const records: Field[][] = [];
  const totalNumRows: number[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) }));
    records.push(...page.Records!);
    totalNumRows.push(page.TotalNumRows!);
    pages += 1;
    token = page.NextToken;
  } while (token);
  return { records, pages, totalNumRows };
}

/** The SDK's error for a call, with the HTTP status the stand-in answered. */
async function failure(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = (await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!error) throw new Error("expected the call to fail");
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

describe("Redshift Data API stand-in", () => {
  it("runs a statement asynchronously and returns typed fields, column metadata and the statement's figures", async () => {
    const id = await execute(
      `select i, i::int8 * 10000000000 as big, i / 4.0 as ratio, i::float8 / 2 as half, i % 2 = 0 as even,
              'item-' || cast(i as varchar) as label, date '2024-03-01' + i as day, null::int as nothing, :store::int as store
         from generate_series(1, 3) as i order by i`,
      { Parameters: [{ name: "store", value: "42" }] },
    );
    const statement = await ended(id);
    expect(statement).toMatchObject({
      Id: id,
      Status: "FINISHED",
      HasResultSet: true,
      ResultRows: 3,
      QueryParameters: [{ name: "store", value: "42" }],
      ...warehouse,
    });
    expect(statement.Duration).toBeGreaterThan(0);
    expect(statement.ResultSize).toBeGreaterThan(0);

    const page = await client.send(new GetStatementResultCommand({ Id: id }));
    expect(page.TotalNumRows).toBe(3);
    expect(page.NextToken).toBeUndefined();
    expect(page.ColumnMetadata?.map(({ name, typeName }) => `${name}:${typeName}`)).toEqual([
      "i:int4",
      "big:int8",
      "ratio:numeric",
      "half:float8",
      "even:bool",
      "label:varchar",
      "day:date",
      "nothing:int4",
      "store:int4",
    ]);
    expect(page.Records?.[1]).toEqual([
      { longValue: 2 },
      { longValue: 20_000_000_000 },
      { stringValue: "0.50000000000000000000" },
      { doubleValue: 1 },
      { booleanValue: true },
      { stringValue: "item-2" },
      { stringValue: "2024-03-03" },
      { isNull: true },
      { longValue: 42 },
    ]);
  });

  it("pages a large result with NextToken, each page bounded, in order and complete", async () => {
    const rows = 30_000;
    const id = await execute(`select i, repeat('x', 60) as padding from generate_series(0, :last) as i order by i`, {
      Parameters: [{ name: "last", value: String(rows - 1) }],
    });
    expect((await ended(id)).Status).toBe("FINISHED");
    const { records, pages, totalNumRows } = await allPages(id);
    // About 100 bytes of JSON per row against the 1 MiB page bound.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(totalNumRows.every((total) => total === rows)).toBe(true);
    expect(records.map((record) => record[0]?.longValue)).toEqual(Array.from({ length: rows }, (_, index) => index));

    const forged = await failure(client.send(new GetStatementResultCommand({ Id: id, NextToken: "not-a-token" })));
    expect(forged).toMatchObject({ name: "ValidationException", status: 400 });
  });

  it("marks a failing statement FAILED with the database's error, and it has no result", async () => {
    const id = await execute("select * from no_such_table_anywhere");
    const statement = await ended(id);
    expect(statement).toMatchObject({ Status: "FAILED", HasResultSet: false, ResultRows: -1 });
    expect(statement.Error).toMatch(/^ERROR: relation "no_such_table_anywhere" does not exist/);
    const noResult = await failure(client.send(new GetStatementResultCommand({ Id: id })));
    expect(noResult).toMatchObject({ name: "ResourceNotFoundException", status: 400, message: expect.stringMatching(/does not have result/) });
  });

  it("reports DDL and DML as affected rows without a result set", async () => {
    const table = `standin_probe_${process.pid}`;
    expect((await ended(await execute(`create table if not exists ${table} (id integer)`))).Status).toBe("FINISHED");
    try {
      const insert = await ended(await execute(`insert into ${table} select i from generate_series(1, 7) as i`));
      expect(insert).toMatchObject({ Status: "FINISHED", HasResultSet: false, ResultRows: 7 });
    } finally {
      await ended(await execute(`drop table ${table}`));
    }
  });

  it("cancels a running statement to ABORTED, and refuses to cancel one that has ended", async () => {
    const id = await execute("select pg_sleep(30)");
    expect((await until(id, ({ Status }) => Status === "STARTED")).Status).toBe("STARTED");
    const cancelled = await client.send(new CancelStatementCommand({ Id: id }));
    expect(cancelled.Status).toBe(true);
    expect((await client.send(new DescribeStatementCommand({ Id: id }))).Status).toBe("ABORTED");
    const again = await failure(client.send(new CancelStatementCommand({ Id: id })));
    expect(again).toMatchObject({ name: "ValidationException", status: 400, message: expect.stringMatching(/already in ABORTED state/) });
  });

  it("runs a batch as one transaction: sub-statement results, and a failure rolls every statement back", async () => {
    const table = `standin_batch_${process.pid}`;
    const batch = await client.send(
      new BatchExecuteStatementCommand({
        ...warehouse,
        Sqls: [`create temp table ${table} (id integer)`, `insert into ${table} values (1), (2)`, `select id from ${table} order by id`],
      }),
    );
    const statement = await ended(batch.Id!);
    expect(statement.Status).toBe("FINISHED");
    expect(statement.SubStatements?.map(({ Id, Status, HasResultSet }) => [Id, Status, HasResultSet])).toEqual([
      [`${batch.Id}:1`, "FINISHED", false],
      [`${batch.Id}:2`, "FINISHED", false],
      [`${batch.Id}:3`, "FINISHED", true],
    ]);
    expect((await client.send(new GetStatementResultCommand({ Id: `${batch.Id}:3` }))).Records).toEqual([[{ longValue: 1 }], [{ longValue: 2 }]]);

    const failing = await client.send(
      new BatchExecuteStatementCommand({ ...warehouse, Sqls: [`create table ${table} (id integer)`, `insert into ${table} values (1)`, "select 1 / 0"] }),
    );
    const failed = await ended(failing.Id!);
    expect(failed).toMatchObject({ Status: "FAILED", Error: "ERROR: division by zero" });
    expect(failed.SubStatements?.map(({ Status }) => Status)).toEqual(["ABORTED", "ABORTED", "FAILED"]);
    const exists = await execute("select count(*) from pg_tables where tablename = :name", { Parameters: [{ name: "name", value: table }] });
    await ended(exists);
    expect((await client.send(new GetStatementResultCommand({ Id: exists }))).Records).toEqual([[{ longValue: 0 }]]);
  });

  it("does not carry a statement's session state (temporary tables) into the next statement", async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await ended(await execute("create temp table standin_session_probe (id integer)"))).Status).toBe("FINISHED");
    }
  });

  it("returns the same statement for a retried ExecuteStatement with the same ClientToken", async () => {
    const token = `token-${process.pid}-${Date.now()}`;
    const first = await execute("select 1", { ClientToken: token });
    expect(await execute("select 1", { ClientToken: token })).toBe(first);
    expect(await execute("select 1")).not.toBe(first);
  });

  it("fails a result column type it does not map loudly, naming the column", async () => {
    const statement = await ended(await execute("select gen_random_uuid() as order_ref"));
    expect(statement.Status).toBe("FAILED");
    expect(statement.Error).toMatch(/Column "order_ref" has PostgreSQL type OID 2950, which the local Data API stand-in does not map/);
  });

  it("answers unknown statements with ResourceNotFoundException and malformed ids with ValidationException", async () => {
    expect(await failure(client.send(new DescribeStatementCommand({ Id: "00000000-0000-0000-0000-000000000000" })))).toMatchObject({
      name: "ResourceNotFoundException",
      status: 400,
    });
    expect(await failure(client.send(new DescribeStatementCommand({ Id: "not-an-id" })))).toMatchObject({ name: "ValidationException", status: 400 });
  });

  it.each([
    ["a cluster instead of a workgroup", { ClusterIdentifier: "redshift-cluster-1" }, /ClusterIdentifier is not supported/],
    ["Secrets Manager credentials", { SecretArn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:x" }, /SecretArn is not supported/],
    ["a database user", { DbUser: "admin" }, /DbUser is not supported/],
    ["another workgroup", { WorkgroupName: "someone-elses" }, /Workgroup someone-elses not found/],
    ["CSV results", { ResultFormat: "CSV" as const }, /ResultFormat "CSV" is not supported/],
    ["a session", { SessionKeepAliveSeconds: 60 }, /SessionKeepAliveSeconds is not supported/],
    ["a placeholder without a parameter", { Sql: "select :missing" }, /uses :missing but no parameter/],
    ["a parameter the SQL does not use", { Parameters: [{ name: "unused", value: "1" }] }, /not used in the SQL: unused/],
    ["positional parameters", { Sql: "select $1" }, /Positional parameters/],
  ])("refuses %s with a 400 ValidationException", async (_, input, message) => {
    const refused = await failure(client.send(new ExecuteStatementCommand({ ...warehouse, Sql: "select 1", ...input })));
    expect(refused).toMatchObject({ name: "ValidationException", status: 400, message: expect.stringMatching(message) });
  });

  it("refuses operations it does not implement, unknown targets and untyped parameter values with a 400 ValidationException", async () => {
    const unimplemented = await failure(client.send(new ListStatementsCommand({})));
    expect(unimplemented).toMatchObject({ name: "ValidationException", status: 400, message: expect.stringMatching(/ListStatements is not supported/) });

    const raw = (target: string, body: unknown) =>
      fetch(env.AWS_ENDPOINT_URL_REDSHIFT_DATA!, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body: JSON.stringify(body),
      });
    const unknownTarget = await raw("DynamoDB_20120810.GetItem", {});
    expect(unknownTarget.status).toBe(400);
    expect(unknownTarget.headers.get("x-amzn-errortype")).toBe("ValidationException");
    expect(await unknownTarget.json()).toMatchObject({ __type: "ValidationException", Message: expect.stringMatching(/X-Amz-Target: RedshiftData/) });

    const numberValue = await raw("RedshiftData.ExecuteStatement", { ...warehouse, Sql: "select :n", Parameters: [{ name: "n", value: 1 }] });
    expect(numberValue.status).toBe(400);
    expect(await numberValue.json()).toMatchObject({ __type: "ValidationException", Message: expect.stringMatching(/must be a non-empty string/) });
  });
});

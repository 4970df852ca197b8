import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type DescribeStatementResponse,
  type Field,
} from "@aws-sdk/client-redshift-data";
import { sleep } from "@cloudcafe/core/sleep";

/**
 * The analytics warehouse (Redshift Serverless) through the Redshift Data API: statements run asynchronously, so
 * each one is submitted, polled with backoff until it ends, and its result read page by page.
 * Locally the same calls reach the platform's Data API stand-in (AWS_ENDPOINT_URL_REDSHIFT_DATA).
 */

/** Where statements run: a Redshift Serverless workgroup (IAM auth) and a database in its namespace. */
export interface AnalyticsWarehouse {
  workgroupName: string;
  database: string;
}

export interface StatementOptions {
  /** How long to wait for the statement to end before cancelling it. */
  timeoutMs?: number;
}

/** One record of a statement's result: its fields in column order. */
export type ResultRecord = Field[];

export interface RedshiftDataWarehouse {
  /** Runs one statement with `:name` parameters and waits until it has FINISHED; FAILED or ABORTED throw with the reason. */
  execute(sql: string, parameters?: Record<string, string | number>, options?: StatementOptions): Promise<DescribeStatementResponse>;
  /** Runs statements in order as one transaction (BatchExecuteStatement) and waits until the batch has FINISHED. */
  executeBatch(sqls: readonly string[], options?: StatementOptions): Promise<DescribeStatementResponse>;
  /** The records of a finished statement's result, one GetStatementResult page at a time. */
  resultPages(id: string): AsyncGenerator<ResultRecord[]>;
}

export interface RedshiftDataWarehouseOptions extends AnalyticsWarehouse {
  client: RedshiftDataClient;
}

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Endpoint, region and credentials given explicitly, as plain data so they can be handed to a worker thread. */
export interface RedshiftDataConnection {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A Data API client. Without a connection, endpoint, region and credentials are the SDK's own from the environment:
 * AWS when deployed, the local stand-in under the local platform (AWS_ENDPOINT_URL_REDSHIFT_DATA).
 */
export function redshiftDataClient(connection?: RedshiftDataConnection): RedshiftDataClient {
  return new RedshiftDataClient({ maxAttempts: 3, ...connection });
}

export function redshiftDataWarehouse({ client, workgroupName, database }: RedshiftDataWarehouseOptions): RedshiftDataWarehouse {
  const where = { WorkgroupName: workgroupName, Database: database };
  return {
    async execute(sql, parameters = {}, options = {}) {
      const entries = Object.entries(parameters);
      const { Id } = await client.send(
        new ExecuteStatementCommand({
          ...where,
          Sql: sql,
          // The Data API takes every value as a string and lets Redshift convert it.
          ...(entries.length > 0 ? { Parameters: entries.map(([name, value]) => ({ name, value: String(value) })) } : {}),
        }),
      );
      return waitForStatement(client, requireId(Id), options);
    },

    async executeBatch(sqls, options = {}) {
      const { Id } = await client.send(new BatchExecuteStatementCommand({ ...where, Sqls: [...sqls] }));
      return waitForStatement(client, requireId(Id), options);
    },

    async *resultPages(id) {
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetStatementResultCommand({ Id: id, ...(nextToken ? { NextToken: nextToken } : {}) }));
        yield page.Records ?? [];
        nextToken = page.NextToken || undefined;
      } while (nextToken);
    },
  };
}

/** Polls DescribeStatement with exponential backoff; past the timeout the statement is cancelled and this throws. */
async function waitForStatement(client: RedshiftDataClient, id: string, { timeoutMs = DEFAULT_TIMEOUT_MS }: StatementOptions): Promise<DescribeStatementResponse> {
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const statement = await client.send(new DescribeStatementCommand({ Id: id }));
    if (statement.Status === "FINISHED") return statement;
    if (statement.Status === "FAILED" || statement.Status === "ABORTED") {
      throw new Error(`Statement ${id} ${statement.Status}: ${statement.Error ?? "no error message"} (${statement.QueryString ?? ""})`);
    }
    if (Date.now() + delay > deadline) {
      await client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
      throw new Error(`Statement ${id} did not finish within ${timeoutMs} ms (last status ${statement.Status}); cancelled`);
    }
    await sleep(delay);
    delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
  }
}

/** A field's value, checked against the union member the column must use. */
export function longField(field: Field | undefined, column: string): number {
  if (field?.longValue === undefined) throw new Error(`Column ${column}: expected a long value, got ${JSON.stringify(field)}`);
  return field.longValue;
}

export function stringField(field: Field | undefined, column: string): string {
  if (field?.stringValue === undefined) throw new Error(`Column ${column}: expected a string value, got ${JSON.stringify(field)}`);
  return field.stringValue;
}

function requireId(id: string | undefined): string {
  if (!id) throw new Error("The Data API accepted the statement but returned no Id");
  return id;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { SqlParameter } from "./named-parameters.ts";
import { DataApiError, operationOf, readJsonBody, validation, writeError, writeJson } from "./protocol.ts";
import { StatementStore, type StatementStoreOptions } from "./statements.ts";

/**
 * The Redshift Data API stand-in: the operations CloudCafe uses, for a Redshift Serverless workgroup authenticated
 * with IAM (WorkgroupName + Database), over PostgreSQL. Every other operation, member or value is refused with a
 * ValidationException that names it, so code that works here does not lean on something the stand-in ignores.
 */

export const HEALTH_PATH = "/health";
export const STAND_IN_SERVICE = "redshift-data-stand-in";

export interface RedshiftDataServerOptions extends Partial<Omit<StatementStoreOptions, "databaseUrl">> {
  readonly databaseUrl: string;
  /** The one workgroup this stand-in serves. */
  readonly workgroupName: string;
}

/** Redshift's limit on a statement's text. */
const MAX_SQL_BYTES = 100 * 1024;
const MAX_BATCH_STATEMENTS = 40;

const defaults: Omit<StatementStoreOptions, "databaseUrl"> = {
  maxRunningPerDatabase: 8,
  maxActiveStatements: 500,
  pageBytes: 1024 * 1024,
  retainedResultBytes: 256 * 1024 * 1024,
  maxStatements: 10_000,
};

type Input = Record<string, unknown>;

/** Checks that `input` has only the `allowed` members (and every `required` one), naming the first that is not. */
function members(operation: string, input: Input, allowed: readonly string[], required: readonly string[]): void {
  for (const name of Object.keys(input)) {
    if (!allowed.includes(name)) {
      throw validation(`${name} is not supported by the local Data API stand-in; ${operation} takes ${allowed.join(", ")}`);
    }
  }
  for (const name of required) if (input[name] === undefined) throw validation(`${operation} needs ${name}`);
}

function text(input: Input, name: string): string;
function text(input: Input, name: string, optional: true): string | undefined;
function text(input: Input, name: string, optional = false): string | undefined {
  const value = input[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== "string" || value === "") throw validation(`${name} must be a non-empty string`);
  return value;
}

function sqlText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw validation(`${name} must be a non-empty SQL string`);
  if (Buffer.byteLength(value) > MAX_SQL_BYTES) throw validation(`${name} is longer than Redshift's ${MAX_SQL_BYTES} bytes per statement`);
  return value;
}

function parametersOf(input: Input): SqlParameter[] {
  const value = input.Parameters;
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) throw validation("Parameters must be a non-empty list of {name, value}");
  return value.map((parameter: unknown, index) => {
    const { name, value: parameterValue, ...rest } = (parameter ?? {}) as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw validation(`Parameters[${index}] has members other than name and value: ${Object.keys(rest).join(", ")}`);
    if (typeof name !== "string") throw validation(`Parameters[${index}].name must be a string`);
    // The Data API takes every value as a non-empty string and lets Redshift convert it; there is no NULL parameter.
    if (typeof parameterValue !== "string" || parameterValue === "") {
      throw validation(`Parameters[${index}].value must be a non-empty string (the Data API has no typed or NULL parameters), got ${JSON.stringify(parameterValue)}`);
    }
    return { name, value: parameterValue };
  });
}

function only(input: Input, name: string, accepted: string): void {
  if (input[name] !== undefined && input[name] !== accepted) {
    throw validation(`${name} ${JSON.stringify(input[name])} is not supported by the local Data API stand-in (only ${accepted})`);
  }
}

export function createRedshiftDataServer(options: RedshiftDataServerOptions): { server: Server; store: StatementStore } {
  const { workgroupName, ...storeOptions } = options;
  const store = new StatementStore({ ...defaults, ...storeOptions });

  const target = (input: Input) => {
    const workgroup = text(input, "WorkgroupName");
    if (workgroup !== workgroupName) throw validation(`Workgroup ${workgroup} not found: the local Data API stand-in serves workgroup ${workgroupName}`);
    return { workgroupName: workgroup, database: text(input, "Database") };
  };
  const statementRef = (statement: { id: string; createdAt: number; workgroupName: string; database: string }) =>
    JSON.stringify({ Id: statement.id, CreatedAt: statement.createdAt / 1000, WorkgroupName: statement.workgroupName, Database: statement.database });

  const operations: Record<string, (input: Input) => Promise<string> | string> = {
    ExecuteStatement: (input) => {
      members("ExecuteStatement", input, ["Sql", "WorkgroupName", "Database", "Parameters", "ClientToken", "ResultFormat"], ["Sql", "WorkgroupName", "Database"]);
      only(input, "ResultFormat", "JSON");
      const statement = store.execute(target(input), sqlText(input.Sql, "Sql"), parametersOf(input), text(input, "ClientToken", true));
      return statementRef(statement);
    },
    BatchExecuteStatement: (input) => {
      members("BatchExecuteStatement", input, ["Sqls", "WorkgroupName", "Database", "ClientToken", "ResultFormat", "ExecutionMode"], ["Sqls", "WorkgroupName", "Database"]);
      only(input, "ResultFormat", "JSON");
      only(input, "ExecutionMode", "TRANSACTION");
      const { Sqls: sqls } = input;
      if (!Array.isArray(sqls) || sqls.length === 0 || sqls.length > MAX_BATCH_STATEMENTS) throw validation(`Sqls must hold 1 to ${MAX_BATCH_STATEMENTS} statements`);
      const statement = store.executeBatch(target(input), sqls.map((sql, index) => sqlText(sql, `Sqls[${index}]`)), text(input, "ClientToken", true));
      return statementRef(statement);
    },
    DescribeStatement: (input) => {
      members("DescribeStatement", input, ["Id"], ["Id"]);
      return JSON.stringify(store.describe(text(input, "Id")));
    },
    GetStatementResult: (input) => {
      members("GetStatementResult", input, ["Id", "NextToken"], ["Id"]);
      return store.resultPage(text(input, "Id"), text(input, "NextToken", true));
    },
    CancelStatement: async (input) => {
      members("CancelStatement", input, ["Id"], ["Id"]);
      return JSON.stringify({ Status: await store.cancel(text(input, "Id")) });
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "GET" && request.url === HEALTH_PATH) {
      writeJson(response, JSON.stringify({ service: STAND_IN_SERVICE, workgroupName }));
      return;
    }
    try {
      const input = await readJsonBody(request);
      const operation = operationOf(request);
      const run = operations[operation];
      if (!run) {
        throw validation(`Operation ${operation} is not supported by the local Data API stand-in (supported: ${Object.keys(operations).join(", ")})`);
      }
      writeJson(response, await run(input));
    } catch (error) {
      if (error instanceof DataApiError) {
        writeError(response, error);
        return;
      }
      console.error("[redshift-data stand-in]", error);
      writeError(response, new DataApiError("InternalServerException", error instanceof Error ? error.message : String(error)));
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  server.on("close", () => void store.close());
  return { server, store };
}

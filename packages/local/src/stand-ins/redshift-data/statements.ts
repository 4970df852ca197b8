import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { PARSED_TYPE_OIDS, serializeResult, UnsupportedResultError, type ResultColumn, type SerializedResult } from "./fields.ts";
import { bindNamedParameters, type SqlParameter } from "./named-parameters.ts";
import { DataApiError, validation } from "./protocol.ts";

/**
 * The statements the stand-in has accepted: run asynchronously on PostgreSQL, described, paged, cancelled.
 *
 * A Redshift database is the PostgreSQL database of the same name on the server of `databaseUrl`: its own schemas
 * and `public`, apart from the services' OLTP database, as a Redshift namespace is apart from Aurora. Statements
 * queue (SUBMITTED) until one of `maxRunningPerDatabase` connections is free, then run (STARTED), like Redshift's
 * workload queue. Results are held as serialized pages within `retainedResultBytes`; past it, results already read to
 * the end go first, then the oldest (Redshift keeps them 24 hours; a dropped one answers ResourceNotFoundException).
 */

export type StatementStatus = "SUBMITTED" | "STARTED" | "FINISHED" | "FAILED" | "ABORTED";

export interface StatementStoreOptions {
  /** Any database on the PostgreSQL server; statements connect to the database they name on the same server. */
  readonly databaseUrl: string;
  readonly maxRunningPerDatabase: number;
  /** SUBMITTED + STARTED statements past which ExecuteStatement answers ActiveStatementsExceededException. */
  readonly maxActiveStatements: number;
  /** Bound of one GetStatementResult page's records, in bytes of JSON. */
  readonly pageBytes: number;
  readonly retainedResultBytes: number;
  /** Statements remembered for DescribeStatement; the oldest ended ones are forgotten past it. */
  readonly maxStatements: number;
}

export interface StatementTarget {
  readonly workgroupName: string;
  readonly database: string;
}

/** One SQL statement: the whole of an ExecuteStatement, or one of a batch (id `<batch id>:<n>`). */
interface Part {
  readonly id: string;
  readonly sql: string;
  readonly parameters: readonly SqlParameter[];
  readonly queryId: number;
  readonly createdAt: number;
  status: StatementStatus;
  updatedAt: number;
  startedMs?: number;
  durationNs?: number;
  error?: string;
  hasResultSet: boolean;
  resultRows: number;
  resultSize: number;
  result?: SerializedResult;
  /** Why the result is gone, once the retention bound dropped it. */
  resultDropped?: string;
  /** The last page has been served: first to go when results must be dropped. */
  drained: boolean;
}

interface Statement extends StatementTarget {
  readonly id: string;
  readonly batch: boolean;
  readonly parts: readonly Part[];
  readonly createdAt: number;
  status: StatementStatus;
  updatedAt: number;
  error?: string;
  cancelRequested: boolean;
  /** Cancels the query running now, if any. */
  cancelRunning?: () => void;
  /** Settles when the statement has ended. */
  ended: Promise<void>;
}

type Sql = ReturnType<typeof postgres>;

const epochSeconds = (ms: number) => ms / 1000;
const QUERY_CANCELED = "57014";
/** Redshift database names: letters, digits, underscore and dollar sign, starting with a letter or underscore. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/;
const STATEMENT_ID = /^([a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12})(?::(\d+))?$/;

export class StatementStore {
  private readonly statements = new Map<string, Statement>();
  private readonly byClientToken = new Map<string, string>();
  private readonly pools = new Map<string, { sql: Sql; running: number; waiting: (() => void)[] }>();
  private retainedBytes = 0;
  private nextQueryId = 1;

  constructor(private readonly options: StatementStoreOptions) {}

  /** ExecuteStatement: one statement with named parameters; `clientToken` makes a retried call return the same statement. */
  execute(target: StatementTarget, sql: string, parameters: readonly SqlParameter[], clientToken: string | undefined): Statement {
    bindNamedParameters(sql, parameters);
    return this.accept(target, false, [{ sql, parameters }], clientToken);
  }

  /** BatchExecuteStatement: the statements run in order in one transaction; a failure rolls them all back. */
  executeBatch(target: StatementTarget, sqls: readonly string[], clientToken: string | undefined): Statement {
    for (const sql of sqls) bindNamedParameters(sql, []);
    return this.accept(
      target,
      true,
      sqls.map((sql) => ({ sql, parameters: [] })),
      clientToken,
    );
  }

  describe(id: string): Record<string, unknown> {
    const { statement, part } = this.find(id);
    if (part) return { ...describePart(part), ...targetOf(statement) };
    if (!statement.batch) return { ...describePart(statement.parts[0]!), ...targetOf(statement) };
    const ended = statement.parts.every((each) => each.durationNs !== undefined);
    return {
      Id: statement.id,
      Status: statement.status,
      CreatedAt: epochSeconds(statement.createdAt),
      UpdatedAt: epochSeconds(statement.updatedAt),
      Duration: ended ? statement.parts.reduce((sum, each) => sum + (each.durationNs ?? 0), 0) : -1,
      ...(statement.error ? { Error: statement.error } : {}),
      HasResultSet: statement.parts.some((each) => each.hasResultSet),
      QueryString: statement.parts.map((each) => each.sql).join("; "),
      ResultRows: statement.status === "FINISHED" ? statement.parts.reduce((sum, each) => sum + Math.max(0, each.resultRows), 0) : -1,
      ResultSize: statement.status === "FINISHED" ? statement.parts.reduce((sum, each) => sum + Math.max(0, each.resultSize), 0) : -1,
      SubStatements: statement.parts.map(describePart),
      ...targetOf(statement),
    };
  }

  /** GetStatementResult: the page `nextToken` points at (the first without one) as the response's JSON text. */
  resultPage(id: string, nextToken: string | undefined): string {
    const { statement, part: subStatement } = this.find(id);
    if (statement.batch && !subStatement) {
      throw validation(`Statement ${id} is a batch: ask for a sub-statement's result, ${id}:1 to ${id}:${statement.parts.length}`);
    }
    const part = subStatement ?? statement.parts[0]!;
    if (part.status !== "FINISHED" || !part.hasResultSet) {
      throw new DataApiError("ResourceNotFoundException", "Query does not have result. Please check query status with DescribeStatement.", { ResourceId: id });
    }
    if (!part.result) {
      throw new DataApiError("ResourceNotFoundException", `Result of ${id} is no longer held: ${part.resultDropped ?? "dropped"}`, { ResourceId: id });
    }
    const pageIndex = nextToken === undefined ? 0 : pageOfToken(nextToken, part.id);
    const records = part.result.pages[pageIndex];
    if (records === undefined) throw validation("NextToken does not point at a page of this result");
    const last = pageIndex === part.result.pages.length - 1;
    if (last) part.drained = true;
    const next = last ? "" : `,"NextToken":${JSON.stringify(tokenOf(part.id, pageIndex + 1))}`;
    return `{"Records":${records},"ColumnMetadata":${part.result.columnMetadata},"TotalNumRows":${part.result.totalRows}${next}}`;
  }

  /**
   * CancelStatement: a queued statement never runs; a running one is cancelled on PostgreSQL (its transaction rolls
   * back). Answers once the statement has ended (or after `waitMs`): `Status` says whether it ended ABORTED.
   */
  async cancel(id: string, waitMs = 5_000): Promise<boolean> {
    const { statement, part } = this.find(id);
    if (part) throw validation(`Cancel the whole statement ${statement.id}, not sub-statement ${id}`);
    if (statement.status !== "SUBMITTED" && statement.status !== "STARTED") {
      throw validation(`Could not cancel a query that is already in ${statement.status} state.`);
    }
    statement.cancelRequested = true;
    statement.cancelRunning?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([statement.ended, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return (statement.status as StatementStatus) === "ABORTED";
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.sql.end({ timeout: 2 })));
  }

  private accept(target: StatementTarget, batch: boolean, parts: readonly { sql: string; parameters: readonly SqlParameter[] }[], clientToken: string | undefined): Statement {
    if (!DATABASE_NAME.test(target.database)) throw validation(`Database "${target.database}" is not a valid Redshift database name`);
    const existing = clientToken === undefined ? undefined : this.statements.get(this.byClientToken.get(clientToken) ?? "");
    if (existing) return existing;
    const active = [...this.statements.values()].filter((each) => each.status === "SUBMITTED" || each.status === "STARTED").length;
    if (active >= this.options.maxActiveStatements) {
      throw new DataApiError("ActiveStatementsExceededException", `Active statements exceeded the limit of ${this.options.maxActiveStatements}`);
    }
    const id = randomUUID();
    const now = Date.now();
    const statement: Statement = {
      ...target,
      id,
      batch,
      createdAt: now,
      updatedAt: now,
      status: "SUBMITTED",
      cancelRequested: false,
      ended: Promise.resolve(),
      parts: parts.map((part, index) => ({
        id: batch ? `${id}:${index + 1}` : id,
        sql: part.sql,
        parameters: part.parameters,
        queryId: this.nextQueryId++,
        createdAt: now,
        updatedAt: now,
        status: "SUBMITTED",
        hasResultSet: false,
        resultRows: -1,
        resultSize: -1,
        drained: false,
      })),
    };
    this.statements.set(id, statement);
    if (clientToken !== undefined) this.byClientToken.set(clientToken, id);
    statement.ended = this.run(statement);
    this.forgetOldStatements();
    return statement;
  }

  private find(id: string): { statement: Statement; part?: Part } {
    const match = STATEMENT_ID.exec(id);
    if (!match) throw validation(`Id "${id}" is not a statement id (a UUID, with :<n> for a batch's sub-statement)`);
    const statement = this.statements.get(match[1]!);
    if (!statement) throw new DataApiError("ResourceNotFoundException", "Query does not exist.", { ResourceId: id });
    if (match[2] === undefined) return { statement };
    const part = statement.batch ? statement.parts[Number(match[2]) - 1] : undefined;
    if (!part) throw new DataApiError("ResourceNotFoundException", "Query does not exist.", { ResourceId: id });
    return { statement, part };
  }

  private async run(statement: Statement): Promise<void> {
    const pool = this.poolFor(statement.database);
    await this.takeSlot(pool);
    try {
      if (statement.cancelRequested) throw Object.assign(new Error("cancelled before it started"), { code: QUERY_CANCELED });
      this.setStatus(statement, "STARTED");
      await this.onOwnSession(pool.sql, async (session) => {
        if (!statement.batch) return this.runPart(statement, statement.parts[0]!, session);
        await session.unsafe("begin");
        try {
          for (const part of statement.parts) await this.runPart(statement, part, session);
          await session.unsafe("commit");
        } catch (error) {
          await session.unsafe("rollback").catch(() => {});
          throw error;
        }
      });
      for (const part of statement.parts) this.retain(part);
      this.setStatus(statement, "FINISHED");
    } catch (error) {
      this.end(statement, error);
    } finally {
      statement.cancelRunning = undefined;
      pool.running -= 1;
      pool.waiting.shift()?.();
    }
  }

  /**
   * Runs `work` on a connection of its own, then resets the session: a Data API statement (outside a Data API session)
   * does not see the temporary tables or settings an earlier statement left on a pooled connection.
   */
  private async onOwnSession(sql: Sql, work: (session: postgres.ReservedSql) => Promise<void>): Promise<void> {
    const session = await sql.reserve();
    try {
      await work(session);
    } finally {
      await session.unsafe("discard all").catch(() => {});
      session.release();
    }
  }

  private async runPart(statement: Statement, part: Part, sql: postgres.ReservedSql): Promise<void> {
    const { text, values } = bindNamedParameters(part.sql, part.parameters);
    part.status = "STARTED";
    part.startedMs = performance.now();
    part.updatedAt = Date.now();
    const query = sql.unsafe(text, values, { prepare: false }).values();
    // postgres.js rejects a query cancelled before it is sent with the same code as one cancelled on the server.
    statement.cancelRunning = () => void Promise.resolve(query.cancel()).catch(() => {});
    if (statement.cancelRequested) statement.cancelRunning();
    const rows = (await query) as unknown as (string | null)[][] & { columns?: ResultColumn[]; count: number | null };
    const columns = rows.columns ?? [];
    part.hasResultSet = columns.length > 0;
    if (part.hasResultSet) {
      part.result = serializeResult(columns, rows, this.options.pageBytes);
      part.resultRows = part.result.totalRows;
      part.resultSize = part.result.bytes;
    } else {
      part.resultRows = rows.count ?? 0;
      part.resultSize = 0;
    }
    part.durationNs = Math.round((performance.now() - part.startedMs) * 1e6);
    part.status = "FINISHED";
    part.updatedAt = Date.now();
  }

  /**
   * FAILED with the database's message, or ABORTED when a cancel caused it. The statement that was running (or the
   * first not yet run) carries the outcome; the others are ABORTED: a batch is one transaction, so the statements that
   * had finished are rolled back with it.
   */
  private end(statement: Statement, error: unknown): void {
    const cancelled = statement.cancelRequested && (error as { code?: string }).code === QUERY_CANCELED;
    const message = cancelled ? undefined : errorMessage(error);
    const culprit = statement.parts.find((part) => part.status === "STARTED") ?? statement.parts.find((part) => part.status === "SUBMITTED");
    const now = Date.now();
    for (const part of statement.parts) {
      if (part.startedMs !== undefined && part.durationNs === undefined) part.durationNs = Math.round((performance.now() - part.startedMs) * 1e6);
      part.result = undefined;
      part.hasResultSet = false;
      part.status = part === culprit && message !== undefined ? "FAILED" : "ABORTED";
      if (part.status === "FAILED") part.error = message;
      part.updatedAt = now;
    }
    if (message !== undefined) statement.error = message;
    this.setStatus(statement, cancelled ? "ABORTED" : "FAILED");
  }

  private setStatus(statement: Statement, status: StatementStatus): void {
    statement.status = status;
    statement.updatedAt = Date.now();
  }

  private poolFor(database: string) {
    let pool = this.pools.get(database);
    if (!pool) {
      const url = new URL(this.options.databaseUrl);
      url.pathname = `/${database}`;
      const sql = postgres(url.toString(), {
        max: this.options.maxRunningPerDatabase,
        idle_timeout: 60,
        connect_timeout: 10,
        onnotice: () => {},
        // Values stay PostgreSQL's text: fields.ts turns them into Data API fields without a JS detour.
        types: { serverText: { to: 25, from: PARSED_TYPE_OIDS, parse: (text: string) => text, serialize: (value: unknown) => String(value) } },
      });
      pool = { sql, running: 0, waiting: [] };
      this.pools.set(database, pool);
    }
    return pool;
  }

  private async takeSlot(pool: { running: number; waiting: (() => void)[] }): Promise<void> {
    while (pool.running >= this.options.maxRunningPerDatabase) await new Promise<void>((resolve) => pool.waiting.push(resolve));
    pool.running += 1;
  }

  /** Counts a finished result against the retention bound, dropping drained, then oldest, results past it. */
  private retain(part: Part): void {
    if (!part.result) return;
    this.retainedBytes += part.result.bytes;
    if (this.retainedBytes <= this.options.retainedResultBytes) return;
    const held = [...this.statements.values()].flatMap((statement) => statement.parts).filter((each) => each.result && each !== part);
    const victims = [...held.filter((each) => each.drained), ...held.filter((each) => !each.drained)];
    for (const victim of victims) {
      if (this.retainedBytes <= this.options.retainedResultBytes) break;
      this.retainedBytes -= victim.result!.bytes;
      victim.result = undefined;
      victim.resultDropped = `the local stand-in holds at most ${this.options.retainedResultBytes} bytes of results`;
    }
  }

  private forgetOldStatements(): void {
    for (const [id, statement] of this.statements) {
      if (this.statements.size <= this.options.maxStatements) return;
      if (statement.status === "SUBMITTED" || statement.status === "STARTED") continue;
      for (const part of statement.parts) if (part.result) this.retainedBytes -= part.result.bytes;
      this.statements.delete(id);
    }
    for (const [token, id] of this.byClientToken) if (!this.statements.has(id)) this.byClientToken.delete(token);
  }
}

function targetOf(statement: Statement) {
  return { WorkgroupName: statement.workgroupName, Database: statement.database, ResultFormat: "JSON" };
}

function describePart(part: Part): Record<string, unknown> {
  const finished = part.status === "FINISHED";
  return {
    Id: part.id,
    Status: part.status,
    CreatedAt: epochSeconds(part.createdAt),
    UpdatedAt: epochSeconds(part.updatedAt),
    Duration: part.durationNs ?? -1,
    ...(part.error ? { Error: part.error } : {}),
    HasResultSet: part.hasResultSet,
    QueryString: part.sql,
    ResultRows: finished ? part.resultRows : -1,
    ResultSize: finished ? part.resultSize : -1,
    RedshiftQueryId: part.queryId,
    ...(part.parameters.length > 0 ? { QueryParameters: part.parameters } : {}),
  };
}

/** As Redshift reports it: `ERROR: relation "x" does not exist`; a connection failure is FATAL. */
function errorMessage(error: unknown): string {
  if (error instanceof UnsupportedResultError) return `ERROR: ${error.message}`;
  const { severity, message } = error as { severity?: string; message?: string };
  return severity ? `${severity}: ${message}` : `ERROR: ${message ?? String(error)}`;
}

function tokenOf(partId: string, page: number): string {
  return Buffer.from(`${partId}/${page}`).toString("base64url");
}

function pageOfToken(token: string, partId: string): number {
  const [id, page] = Buffer.from(token, "base64url").toString("utf8").split("/");
  if (id !== partId || !/^\d+$/.test(page ?? "")) throw validation("NextToken does not belong to this statement");
  return Number(page);
}

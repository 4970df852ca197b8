import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { ExecutionEnvironment, type EnvironmentConfig } from "@cloudcafe/stress";

/**
 * A stand-in for the Lambda `Invoke` API (there is no local Lambda engine), so code that invokes a deployed function
 * with `@aws-sdk/client-lambda` runs unchanged against local handlers. It implements exactly what CloudCafe uses:
 * synchronous invocation (`RequestResponse`) of a registered function by name or ARN, with `LogType: Tail`. Each
 * execution environment is a worker thread that imports the handler module on its first invocation (a cold start,
 * reported as `Init Duration` in the REPORT line, as Lambda does) and is reused while idle; at most
 * `reservedConcurrency` run at once, beyond that the call is throttled (429). The log tail holds the START, END and
 * REPORT lines only: the function's own logs go to this process's stdout. Anything else (async or dry-run
 * invocation, qualifiers, client context) is refused with the error Lambda would give, never ignored.
 */

export interface LocalFunction {
  /** Absolute path or file URL of the handler module. */
  handlerModule: string;
  exportName?: string;
  /** Environment variables of the function, on top of this process's. */
  env?: Record<string, string>;
  memoryMb?: number;
  /** Lambda's reserved concurrency: invocations beyond it are throttled. */
  reservedConcurrency?: number;
}

export interface LambdaInvokeStandIn {
  /** The endpoint to give the SDK (`AWS_ENDPOINT_URL_LAMBDA` or `endpoint`). */
  url: string;
  /** Environments created so far per function (each one a cold start). */
  coldStarts(functionName: string): number;
  stop(): Promise<void>;
}

interface FunctionState {
  spec: LocalFunction;
  config: EnvironmentConfig;
  env: NodeJS.ProcessEnv;
  idle: ExecutionEnvironment[];
  busy: number;
  created: number;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda returns the last 4 KB of the log, base64-encoded. */
const LOG_TAIL_BYTES = 4096;

class InvokeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startLambdaInvokeStandIn(
  functions: Record<string, LocalFunction>,
  { port = 0, region = "us-east-1" }: { port?: number; region?: string } = {},
): Promise<LambdaInvokeStandIn> {
  const states = new Map<string, FunctionState>(
    Object.entries(functions).map(([name, spec]) => [
      name,
      {
        spec,
        config: {
          handlerModule: isAbsolute(spec.handlerModule) ? pathToFileURL(spec.handlerModule).href : spec.handlerModule,
          exportName: spec.exportName ?? "handler",
          // The handler's own initialisation (e.g. the payment processor's PAYMENT_INIT_DELAY_MS) is the cold start.
          initDelayMs: 0,
          fraudRounds: 0,
          functionName: name,
        },
        env: { ...process.env, ...spec.env },
        idle: [],
        busy: 0,
        created: 0,
      },
    ]),
  );

  const functionNamed = (identifier: string): FunctionState => {
    // A name, or an ARN whose last part is the name (arn:aws:lambda:<region>:<account>:function:<name>).
    const name = decodeURIComponent(identifier).split(":function:").at(-1) ?? "";
    const state = states.get(name);
    if (!state) throw new InvokeError(404, "ResourceNotFoundException", `Function not found: arn:aws:lambda:${region}:000000000000:function:${name}`);
    return state;
  };

  async function invoke(request: IncomingMessage, body: Buffer): Promise<{ headers: Record<string, string>; payload: string }> {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const match = request.method === "POST" ? INVOKE_PATH.exec(url.pathname) : null;
    if (!match) throw new InvokeError(400, "InvalidParameterValueException", `The Lambda stand-in supports only Invoke, not ${request.method} ${url.pathname}`);
    const state = functionNamed(match[1]!);
    const invocationType = request.headers["x-amz-invocation-type"] ?? "RequestResponse";
    if (invocationType !== "RequestResponse") throw new InvokeError(400, "InvalidParameterValueException", `InvocationType ${String(invocationType)} is not supported by the stand-in`);
    const logType = request.headers["x-amz-log-type"] ?? "None";
    if (logType !== "None" && logType !== "Tail") throw new InvokeError(400, "InvalidParameterValueException", `LogType ${String(logType)} is invalid`);
    if (url.searchParams.has("Qualifier")) throw new InvokeError(400, "InvalidParameterValueException", "Qualifier is not supported by the stand-in");
    if (request.headers["x-amz-client-context"]) throw new InvokeError(400, "InvalidParameterValueException", "ClientContext is not supported by the stand-in");
    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
    } catch {
      throw new InvokeError(400, "InvalidRequestContentException", "Could not parse request body into json");
    }
    const limit = state.spec.reservedConcurrency ?? Number.POSITIVE_INFINITY;
    if (state.busy >= limit) {
      throw new InvokeError(429, "TooManyRequestsException", "Rate Exceeded.", { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
    }

    state.busy += 1;
    const requestId = randomUUID();
    let environment = state.idle.pop();
    if (!environment) {
      environment = new ExecutionEnvironment(state.config, state.env);
      state.created += 1;
    }
    const started = performance.now();
    let outcome;
    try {
      outcome = await environment.invoke(event);
      state.idle.push(environment);
    } catch (error) {
      // The thread died: this environment is gone, as a crashed Lambda sandbox is.
      await environment.dispose();
      outcome = { ok: false, cold: true, initMs: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
    } finally {
      state.busy -= 1;
    }
    const totalMs = performance.now() - started;
    const durationMs = outcome.cold ? Math.max(0, totalMs - outcome.initMs) : totalMs;
    const report = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.ceil(durationMs)} ms`,
      `Memory Size: ${state.spec.memoryMb ?? 128} MB`,
      ...(outcome.cold ? [`Init Duration: ${outcome.initMs.toFixed(2)} ms`] : []),
    ].join("\t");
    const log = `START RequestId: ${requestId} Version: $LATEST\nEND RequestId: ${requestId}\n${report}\t\n`;
    const headers: Record<string, string> = { "X-Amz-Executed-Version": "$LATEST", "X-Amzn-RequestId": requestId };
    if (logType === "Tail") headers["X-Amz-Log-Result"] = Buffer.from(log).subarray(-LOG_TAIL_BYTES).toString("base64");
    if (!outcome.ok) {
      headers["X-Amz-Function-Error"] = "Unhandled";
      return { headers, payload: JSON.stringify({ errorType: "Error", errorMessage: outcome.error ?? "unknown error" }) };
    }
    return { headers, payload: JSON.stringify(outcome.result ?? null) };
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      invoke(request, Buffer.concat(chunks)).then(
        ({ headers, payload }) => {
          response.writeHead(200, { ...headers, "content-type": "application/json" });
          response.end(payload);
        },
        (error: unknown) => {
          const failure = error instanceof InvokeError ? error : new InvokeError(500, "ServiceException", error instanceof Error ? error.message : String(error));
          response.writeHead(failure.status, { "content-type": "application/json", "x-amzn-ErrorType": failure.type });
          response.end(JSON.stringify({ Type: failure.status >= 500 ? "Service" : "User", message: failure.message, ...failure.extra }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${bound}`,
    coldStarts: (functionName) => states.get(functionName)?.created ?? 0,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...states.values()].flatMap((state) => state.idle.splice(0).map((environment) => environment.dispose())));
    },
  };
}

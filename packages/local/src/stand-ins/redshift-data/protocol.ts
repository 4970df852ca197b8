import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Redshift Data API's wire protocol: AWS JSON 1.1. Every call is `POST /` with
 * `X-Amz-Target: RedshiftData.<Operation>` and a JSON body; errors are 4xx/5xx with `x-amzn-ErrorType` and a body
 * `{"__type", "Message"}` (the SDK reads the type from either and the message from `message` or `Message`).
 */

export const TARGET_PREFIX = "RedshiftData.";
const CONTENT_TYPE = "application/x-amz-json-1.1";
/** The SDK's statement requests are a few KB; Redshift caps a statement at 100 KB, batches at 40 of them. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export type DataApiErrorType = "ValidationException" | "ResourceNotFoundException" | "ActiveStatementsExceededException" | "InternalServerException";

/** A Data API error as the service returns it; `extra` members (e.g. `ResourceId`) go into the body beside `Message`. */
export class DataApiError extends Error {
  constructor(
    readonly type: DataApiErrorType,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return this.type === "InternalServerException" ? 500 : 400;
  }
}

export const validation = (message: string) => new DataApiError("ValidationException", message);

export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw validation(`Request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    throw validation("Request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw validation("Request body must be a JSON object");
  return body as Record<string, unknown>;
}

/** The operation named by `X-Amz-Target`, or a ValidationException for a request that is not an AWS JSON 1.1 call. */
export function operationOf(request: IncomingMessage): string {
  const target = request.headers["x-amz-target"];
  if (request.method !== "POST" || typeof target !== "string" || !target.startsWith(TARGET_PREFIX)) {
    throw validation(`Expected POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>, got ${request.method} with target ${String(target)}`);
  }
  return target.slice(TARGET_PREFIX.length);
}

/** Writes a success response; `json` is already serialized (result pages are kept as JSON text). */
export function writeJson(response: ServerResponse, json: string): void {
  response.writeHead(200, { "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(json), "x-amzn-requestid": randomUUID() });
  response.end(json);
}

export function writeError(response: ServerResponse, error: DataApiError): void {
  const json = JSON.stringify({ __type: error.type, Message: error.message, ...error.extra });
  response.writeHead(error.status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(json),
    "x-amzn-errortype": error.type,
    "x-amzn-requestid": randomUUID(),
  });
  response.end(json);
}

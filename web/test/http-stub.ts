import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubReply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
}

/** A real HTTP server on 127.0.0.1 answering from a queue of replies, recording what it was sent. */
export interface HttpStub {
  baseUrl: string;
  seen: SeenRequest[];
  reply(...replies: StubReply[]): void;
  close(): Promise<void>;
}

export async function startHttpStub(): Promise<HttpStub> {
  const seen: SeenRequest[] = [];
  let queue: StubReply[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString() });
      const reply = queue.shift() ?? { status: 599, body: "stub has no reply queued" };
      const body = typeof reply.body === "object" ? JSON.stringify(reply.body) : (reply.body ?? "");
      const type = typeof reply.body === "object" ? "application/json" : "text/html";
      response.writeHead(reply.status, { "content-type": type, ...reply.headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    reply: (...replies) => {
      queue = replies;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

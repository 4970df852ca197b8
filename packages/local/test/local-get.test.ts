/** The host's GET for its periodic probes: kept-alive connections, the keep-alive race retried once, timeouts, refusals. */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { localGet } from "../src/process/local-get.ts";
import { freePort } from "../src/process/net.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server answering by `handle`, counting the connections it accepted. */
async function serve(handle: (requestOnConnection: number, socket: Socket, answer: (status: number, body: string) => void) => void) {
  const requestsOn = new Map<Socket, number>();
  let connections = 0;
  const server = createServer((request, response) => {
    const count = (requestsOn.get(request.socket) ?? 0) + 1;
    requestsOn.set(request.socket, count);
    handle(count, request.socket, (status, body) => response.writeHead(status).end(body));
  });
  server.keepAliveTimeout = 65_000;
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, connections: () => connections };
}

describe("localGet", () => {
  it("answers status and body, and keeps one connection for calls one after another", async () => {
    const server = await serve((n, _socket, answer) => answer(n % 2 ? 200 : 503, `answer ${n}`));

    const answers = [];
    for (let call = 0; call < 4; call++) answers.push(await localGet(server.url, { timeoutMs: 1_000 }));

    expect(answers).toEqual([
      { status: 200, body: "answer 1" },
      { status: 503, body: "answer 2" },
      { status: 200, body: "answer 3" },
      { status: 503, body: "answer 4" },
    ]);
    expect(server.connections()).toBe(1);
  });

  it("sends the request again on a new connection when the kept one is closed as it is reused", async () => {
    // The second request on any connection finds it closed by the server, as when its keep-alive timeout runs out
    // just as the request arrives.
    const server = await serve((n, socket, answer) => (n === 1 ? answer(200, "first on this connection") : socket.destroy()));
    await localGet(server.url, { timeoutMs: 1_000 });

    const answer = await localGet(server.url, { timeoutMs: 1_000 });

    expect(answer).toEqual({ status: 200, body: "first on this connection" });
    expect(server.connections()).toBe(2);
  });

  it("does not send again a request whose new connection was reset", async () => {
    let requests = 0;
    const server = await serve((_n, socket) => {
      requests++;
      socket.destroy();
    });

    await expect(localGet(server.url, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(requests).toBe(1);
  });

  it("gives up after the timeout with a TimeoutError, and reports a refused connection by its code", async () => {
    const server = await serve(() => undefined);
    const started = performance.now();

    await expect(localGet(server.url, { timeoutMs: 300 })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(localGet(`http://127.0.0.1:${await freePort()}/health`, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

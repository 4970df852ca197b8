import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readLocalConfig } from "../src/config.ts";
import { ensureServerEngine, type ServerEngineSpec } from "../src/engines/engine.ts";
import { recordDaemon, stopRecordedDaemons } from "../src/process/daemons.ts";
import { freePort } from "../src/process/net.ts";

const options = { config: { ...readLocalConfig(), stateDir: join(tmpdir(), `cloudcafe-engine-test-${process.pid}`) }, daemon: false };
const servers: Server[] = [];
afterAll(() => rmSync(options.config.stateDir, { recursive: true, force: true }));

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(status: number): Promise<number> {
  const server = createServer((_, response) => response.writeHead(status).end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function spec(port: number, spawn: ServerEngineSpec["spawn"]): ServerEngineSpec {
  const url = `http://127.0.0.1:${port}`;
  return {
    name: "probe engine",
    url,
    port,
    health: async () => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok,
    spawn,
    startTimeoutMs: 20_000,
  };
}

const mustNotStart = { command: "false", args: [] };

describe("engine lifecycle", () => {
  it("reuses a healthy engine already on the port and leaves it running on stop", async () => {
    const port = await listen(200);

    const engine = await ensureServerEngine(spec(port, mustNotStart), options);
    await engine.stop();

    expect(engine.reused).toBe(true);
    expect(await engine.health()).toBe(true);
  });

  it("refuses a port held by something that does not answer like the engine", async () => {
    const port = await listen(500);

    await expect(ensureServerEngine(spec(port, mustNotStart), options)).rejects.toThrow(/taken by something/);
  });

  it("starts the engine when the port is free and stops it again", async () => {
    const port = await freePort();
    const server = `require("node:http").createServer((_, res) => res.end("ok")).listen(${port}, "127.0.0.1")`;

    const engine = await ensureServerEngine(spec(port, { command: process.execPath, args: ["-e", server] }), options);
    const healthyWhileRunning = await engine.health();
    await engine.stop();

    expect(engine.reused).toBe(false);
    expect(healthyWhileRunning).toBe(true);
    expect(await engine.health().catch(() => false)).toBe(false);
  });

  it("leaves a daemon engine running for later runs, and stop-engines stops exactly that process", async () => {
    const port = await freePort();
    const server = `require("node:http").createServer((_, res) => res.end("ok")).listen(${port}, "127.0.0.1")`;
    const daemonOptions = { ...options, daemon: true };

    const engine = await ensureServerEngine(spec(port, { command: process.execPath, args: ["-e", server] }), daemonOptions);
    // A record whose pid now runs something else (this test process) must not be touched.
    recordDaemon(options.config.stateDir, "recycled-pid", { name: "recycled", pid: process.pid, command: ["java", "-jar", "x.jar"] });
    const healthyBeforeStop = await engine.health();
    const stopped = await stopRecordedDaemons(options.config.stateDir);

    expect(healthyBeforeStop).toBe(true);
    expect(stopped).toEqual(["probe engine"]);
    expect(await engine.health().catch(() => false)).toBe(false);
    expect(await stopRecordedDaemons(options.config.stateDir)).toEqual([]);
  });
});

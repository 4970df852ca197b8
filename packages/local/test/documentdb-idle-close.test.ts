/**
 * The DocumentDB client's idle close (`idleCloseMs`, which `npm start` sets for the menu), against the real driver and
 * the stand-in: the client closes its connections (monitor and pool) after the idle time, never under an operation
 * still running, opens again for the next operation, and `touch` (a read served from the cache) reconnects it so the
 * driver's monitor watches the cluster again. Without the setting the client stays connected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentDb } from "@cloudcafe/adapters";
import { DOCUMENTDB_STORAGE_DATABASE } from "../src/engines/documentdb.ts";
import { ensureDatabase } from "../src/engines/postgres.ts";
import { waitUntil } from "../src/process/net.ts";
import { createDocumentDbServer, type DocumentDbServer } from "../src/stand-ins/documentdb/server.ts";
import { localPlatform } from "../src/testing/env.ts";

const IDLE_CLOSE_MS = 400;

let standIn: DocumentDbServer;
let url: string;

beforeAll(async () => {
  const serverUrl = localPlatform().endpoints.databaseUrl;
  const storage = new URL(serverUrl);
  storage.pathname = `/${DOCUMENTDB_STORAGE_DATABASE}`;
  await ensureDatabase(serverUrl, DOCUMENTDB_STORAGE_DATABASE);
  standIn = await createDocumentDbServer({ databaseUrl: storage.toString() });
  await new Promise<void>((resolve) => standIn.server.listen(0, "127.0.0.1", resolve));
  url = `mongodb://127.0.0.1:${(standIn.server.address() as { port: number }).port}/?directConnection=true&heartbeatFrequencyMS=500`;
});
afterAll(async () => {
  await standIn?.close();
});

/** Connections open on the stand-in now (the driver's monitor keeps one, its pool the others). */
const openConnections = () => new Promise<number>((resolve, reject) => standIn.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
const ping = { ping: 1 } as const;

describe("the DocumentDB client's idle close", () => {
  it("closes every connection after the idle time and opens again for the next operation", async () => {
    const documents = createDocumentDb({ url, database: "menu" }, { idleCloseMs: IDLE_CLOSE_MS });
    try {
      expect((await documents.run((db) => db.command(ping))).ok).toBe(1);
      expect(await openConnections()).toBeGreaterThanOrEqual(1);
      await waitUntil("the idle client to close its connections", async () => (await openConnections()) === 0, 5_000, 50);

      expect((await documents.run((db) => db.command(ping))).ok).toBe(1);
      expect(await openConnections()).toBeGreaterThanOrEqual(1);
    } finally {
      await documents.close();
    }
  });

  it("does not close under an operation that runs longer than the idle time", async () => {
    const documents = createDocumentDb({ url, database: "menu" }, { idleCloseMs: IDLE_CLOSE_MS });
    try {
      const answer = await documents.run(async (db) => {
        await db.command(ping);
        await new Promise((resolve) => setTimeout(resolve, IDLE_CLOSE_MS * 3));
        return db.command(ping); // on the same client: it would throw had the client been closed meanwhile
      });
      expect(answer.ok).toBe(1);
    } finally {
      await documents.close();
    }
  });

  it("reconnects on touch, with no operation, so the monitor watches the cluster again", async () => {
    const documents = createDocumentDb({ url, database: "menu" }, { idleCloseMs: IDLE_CLOSE_MS });
    try {
      await documents.run((db) => db.command(ping));
      await waitUntil("the idle client to close its connections", async () => (await openConnections()) === 0, 5_000, 50);
      documents.touch();
      await waitUntil("touch to connect the client again", async () => (await openConnections()) >= 1, 5_000, 50);
      // Touched again and again (reads served from the cache), it stays connected past the idle time.
      for (let i = 0; i < 6; i++) {
        await new Promise((resolve) => setTimeout(resolve, IDLE_CLOSE_MS / 2));
        documents.touch();
      }
      expect(await openConnections()).toBeGreaterThanOrEqual(1);
    } finally {
      await documents.close();
    }
    await waitUntil("close to end the connections", async () => (await openConnections()) === 0, 5_000, 50);
  });

  it("stays connected without idleCloseMs (deployed), and touch opens nothing new", async () => {
    const documents = createDocumentDb({ url, database: "menu" });
    try {
      await documents.run((db) => db.command(ping));
      await new Promise((resolve) => setTimeout(resolve, IDLE_CLOSE_MS * 3));
      documents.touch();
      expect(await openConnections()).toBeGreaterThanOrEqual(1);
    } finally {
      await documents.close();
    }
  });
});

import { connect, type AddressInfo } from "node:net";
import { BSON, Decimal128, Double, Int32, Long, MongoClient, ObjectId, type Document } from "mongodb";
import { ConnectionString } from "mongodb-connection-string-url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLocalConfig } from "../src/config.ts";
import { DOCUMENTDB_STORAGE_DATABASE, startDocumentDb } from "../src/engines/documentdb.ts";
import { createDocumentDbServer, type DocumentDbServer } from "../src/stand-ins/documentdb/server.ts";
import { freePort } from "../src/process/net.ts";
import { crc32c } from "../src/stand-ins/documentdb/wire.ts";
import { DOCUMENT_STORAGE_APPLICATION } from "../src/stand-ins/documentdb/storage.ts";
import { waitUntil } from "../src/process/net.ts";
import postgres from "postgres";
import { localPlatform, useLocalEnv } from "../src/testing/env.ts";
import { serverFailure, talksToStandIn, uniqueName } from "./documentdb-driver.ts";

/**
 * What only the local stand-in shows: its wire protocol handling byte by byte, its restart over PostgreSQL, its
 * standalone mode, what it refuses, and reuse of a running stand-in. Skipped when MONGODB_URL names another server.
 */
const env = useLocalEnv();
const platformUrl = env.MONGODB_URL!;
const [platformAddress = ""] = new ConnectionString(platformUrl).hosts;
const platformPort = Number(platformAddress.split(":")[1]);
const storageUrl = (() => {
  const url = new URL(localPlatform().endpoints.databaseUrl);
  url.pathname = `/${DOCUMENTDB_STORAGE_DATABASE}`;
  return url.toString();
})();

let standIn = false;
beforeAll(async () => {
  const client = new MongoClient(platformUrl);
  try {
    standIn = await talksToStandIn(client);
  } finally {
    await client.close();
  }
});


/** Raw frames, written here from the protocol's layout rather than with the stand-in's encoder. */
function header(length: number, requestId: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(requestId, 4);
  bytes.writeInt32LE(0, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

type Section = { readonly body: Document } | { readonly identifier: string; readonly documents: readonly Document[] };

function opMsg(requestId: number, sections: readonly Section[], flags: { checksum?: "right" | "wrong"; moreToCome?: boolean } = {}): Buffer {
  const parts = sections.map((section) => {
    if ("body" in section) return Buffer.concat([Buffer.from([0]), BSON.serialize(section.body)]);
    const identifier = Buffer.from(`${section.identifier}\0`);
    const documents = Buffer.concat(section.documents.map((document) => BSON.serialize(document)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + identifier.length + documents.length);
    return Buffer.concat([Buffer.from([1]), size, identifier, documents]);
  });
  const flagBits = Buffer.alloc(4);
  flagBits.writeUInt32LE((flags.checksum ? 1 : 0) | (flags.moreToCome ? 2 : 0));
  const body = Buffer.concat([flagBits, ...parts]);
  const length = 16 + body.length + (flags.checksum ? 4 : 0);
  const message = Buffer.concat([header(length, requestId, 2013), body]);
  if (!flags.checksum) return message;
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE((crc32c(message) + (flags.checksum === "wrong" ? 1 : 0)) >>> 0);
  return Buffer.concat([message, checksum]);
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const name = Buffer.from(`${collection}\0`);
  const numbers = Buffer.alloc(8);
  numbers.writeInt32LE(-1, 4);
  const body = Buffer.concat([Buffer.alloc(4), name, numbers, BSON.serialize(query)]);
  return Buffer.concat([header(16 + body.length, requestId, 2004), body]);
}

interface RawReply {
  readonly opCode: number;
  readonly responseTo: number;
  readonly document: Document;
}

/** Sends `frames` on one connection and reads `replies` messages back; resolves early when the server closes. */
function exchange(port: number, frames: readonly Buffer[], replies: number): Promise<{ replies: RawReply[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const received: RawReply[] = [];
    let buffered = Buffer.alloc(0);
    const done = (closed: boolean) => {
      socket.destroy();
      resolve({ replies: received, closed });
    };
    socket.setTimeout(5_000, () => reject(new Error(`no reply within 5 s (${received.length} of ${replies})`)));
    socket.on("error", reject);
    socket.on("close", () => done(true));
    socket.on("connect", () => frames.forEach((frame) => socket.write(frame)));
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        const frame = buffered.subarray(0, buffered.readInt32LE(0));
        buffered = buffered.subarray(frame.length);
        const opCode = frame.readInt32LE(12);
        const documentAt = opCode === 1 ? 36 : 21;
        received.push({ opCode, responseTo: frame.readInt32LE(8), document: BSON.deserialize(frame.subarray(documentAt)) });
        if (received.length === replies) done(false);
      }
    });
  });
}

describe("DocumentDB stand-in", () => {
  it("computes CRC-32C as the OP_MSG checksum defines it", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  describe("on the wire", () => {
    it("answers the legacy isMaster over OP_QUERY with an OP_REPLY, and refuses other OP_QUERY commands", async (context) => {
      if (!standIn) context.skip();
      const { replies } = await exchange(platformPort, [opQuery(7, "admin.$cmd", { isMaster: 1, helloOk: true }), opQuery(8, "menu.$cmd", { find: "x" })], 2);
      expect(replies[0]).toMatchObject({ opCode: 1, responseTo: 7, document: { ismaster: true, helloOk: true, setName: "rs0", maxWireVersion: 13, ok: 1 } });
      expect(replies[0]!.document.compression).toBeUndefined();
      expect(replies[1]).toMatchObject({ opCode: 1, responseTo: 8, document: { ok: 0, code: 352 } });
    });

    it("takes payload type 1 document sequences, a valid checksum, and unacknowledged (moreToCome) writes", async (context) => {
      if (!standIn) context.skip();
      const database = new ConnectionString(platformUrl).pathname.slice(1);
      const collection = uniqueName("wire");
      const { replies } = await exchange(
        platformPort,
        [
          opMsg(1, [{ identifier: "documents", documents: [{ _id: 1, via: "sequence" }, { _id: 2, via: "sequence" }] }, { body: { insert: collection, $db: database } }]),
          opMsg(2, [{ body: { insert: collection, documents: [{ _id: 3, via: "unacknowledged" }], writeConcern: { w: 0 }, $db: database } }], { moreToCome: true }),
          opMsg(3, [{ body: { count: collection, $db: database } }], { checksum: "right" }),
        ],
        2,
      );
      expect(replies[0]).toMatchObject({ opCode: 2013, responseTo: 1, document: { n: 2, ok: 1 } });
      expect(replies[1]).toMatchObject({ opCode: 2013, responseTo: 3, document: { n: 3, ok: 1 } });
    });

    it("closes the connection on a wrong checksum and refuses OP_COMPRESSED", async (context) => {
      if (!standIn) context.skip();
      const wrong = await exchange(platformPort, [opMsg(1, [{ body: { ping: 1, $db: "admin" } }], { checksum: "wrong" })], 1);
      expect(wrong).toEqual({ replies: [], closed: true });
      const compressed = Buffer.concat([header(25, 9, 2012), Buffer.alloc(9)]);
      compressed.writeInt32LE(2013, 16);
      const { replies } = await exchange(platformPort, [compressed], 1);
      expect(replies[0]).toMatchObject({ responseTo: 9, document: { ok: 0 } });
      expect(replies[0]!.document.errmsg).toContain("OP_COMPRESSED");
    });
  });

  it("refuses retryable writes as DocumentDB does, so the driver asks for retryWrites=false", async (context) => {
    if (!standIn) context.skip();
    const url = new ConnectionString(platformUrl);
    url.searchParams.set("retryWrites", "true");
    const client = new MongoClient(url.toString());
    try {
      const error = await serverFailure(client.db().collection(uniqueName("retry")).insertOne({ a: 1 }));
      expect(error.message).toContain("retryWrites=false");
    } finally {
      await client.close();
    }
  });

  it("names what it does not implement: other stages, find options, index types and transactions", async (context) => {
    if (!standIn) context.skip();
    const client = new MongoClient(platformUrl);
    try {
      const items = client.db().collection(uniqueName("refused"));
      await items.insertOne({ sku: "A" });
      expect((await serverFailure(items.aggregate([{ $lookup: { from: "x", localField: "a", foreignField: "b", as: "c" } }]).toArray())).message).toContain("$lookup");
      expect((await serverFailure(items.find({}, { hint: { sku: 1 } }).toArray())).message).toContain("find.hint");
      expect((await serverFailure(items.createIndex({ sku: "text" }))).message).toContain("text");
      expect((await serverFailure(items.find({ $where: "true" } as Document).toArray())).message).toContain("$where");
      const session = client.startSession();
      try {
        const error = await serverFailure(session.withTransaction(() => items.insertOne({ sku: "B" }, { session })));
        expect(error.message).toContain("Transactions");
      } finally {
        await session.endSession();
      }
      expect(await items.countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("is reused when already running: a second start finds the daemon and starts nothing", async (context) => {
    if (!standIn) context.skip();
    const config = readLocalConfig();
    const engine = await startDocumentDb({ config: { ...config, mongodbUrl: undefined }, daemon: true }, { url: localPlatform().endpoints.databaseUrl });
    expect(engine).toMatchObject({ reused: true, name: "DocumentDB stand-in" });
    expect(engine.url).toBe(`mongodb://127.0.0.1:${platformPort}/menu?replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`);
  });

  it("keeps documents, their BSON types and unique indexes across a restart of its process", async (context) => {
    if (!standIn) context.skip();
    const config = readLocalConfig();
    const port = await freePort();
    const options = { config: { ...config, mongodbUrl: undefined, ports: { ...config.ports, documentDb: port } }, daemon: false };
    const postgres = { url: localPlatform().endpoints.databaseUrl };
    const database = uniqueName("restart");
    const url = `mongodb://127.0.0.1:${port}/${database}?replicaSet=rs0&retryWrites=false`;
    const stored = {
      _id: new ObjectId(),
      sku: "RESTART-001",
      at: new Date("2025-06-01T12:00:00.000Z"),
      count: new Int32(7),
      total: Long.fromString("9007199254740993"),
      price: new Double(3),
      exact: Decimal128.fromString("0.10"),
      nested: { sizes: [new Int32(8), new Double(12.5)] },
    };

    const first = await startDocumentDb(options, postgres);
    expect(first.reused).toBe(false);
    const writer = new MongoClient(url);
    try {
      await writer.db().collection("items").createIndex({ sku: 1 }, { unique: true });
      await writer.db().collection("items").insertOne(stored);
    } finally {
      await writer.close();
      await first.stop();
    }
    expect(await first.health()).toBe(false);

    const second = await startDocumentDb(options, postgres);
    const reader = new MongoClient(url);
    try {
      expect(second.reused).toBe(false);
      const found = await reader.db().collection("items").findOne({ sku: "RESTART-001" }, { promoteValues: false, promoteLongs: false });
      expect(found).toEqual(stored);
      expect((await serverFailure(reader.db().collection("items").insertOne({ sku: "RESTART-001" }))).code).toBe(11000);
      await reader.db().dropDatabase();
    } finally {
      await reader.close();
      await second.stop();
    }
  });

  describe("as a standalone", () => {
    let server: DocumentDbServer;
    let url: string;
    // Its own name: the platform's stand-in keeps its connections in the same database.
    const storageApplication = `${DOCUMENT_STORAGE_APPLICATION}-${uniqueName("test")}`;
    beforeAll(async () => {
      server = await createDocumentDbServer({ databaseUrl: storageUrl, storage: { idleTimeoutSeconds: 1, applicationName: storageApplication } });
      await new Promise<void>((resolve) => server.server.listen(0, "127.0.0.1", resolve));
      url = `mongodb://127.0.0.1:${(server.server.address() as AddressInfo).port}/${uniqueName("standalone")}`;
    });
    afterAll(() => server?.close());

    it("answers hello without a replica set, and takes the driver's default (retryable) writes", async (context) => {
      if (!standIn) context.skip();
      const client = new MongoClient(url);
      try {
        const hello = await client.db("admin").command({ hello: 1 });
        expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
        expect(hello.setName).toBeUndefined();
        await client.db().collection("items").insertOne({ sku: "S-1" });
        expect(await client.db().collection("items").countDocuments()).toBe(1);
        await client.db().dropDatabase();
      } finally {
        await client.close();
      }
    });

    it("closes its idle PostgreSQL connections and opens one again for the next command", async (context) => {
      if (!standIn) context.skip();
      const admin = postgres(storageUrl, { max: 1, onnotice: () => {} });
      const backends = async () =>
        (await admin<{ count: number }[]>`select count(*)::int as count from pg_stat_activity where application_name = ${storageApplication} and datname = current_database()`)[0]!.count;
      const client = new MongoClient(url);
      try {
        await client.db().collection("items").insertOne({ sku: "IDLE-1" });
        expect(await backends()).toBeGreaterThan(0);
        await waitUntil("the stand-in's idle connections closed", async () => (await backends()) === 0, 10_000, 200);
        expect(await client.db().collection("items").countDocuments({ sku: "IDLE-1" })).toBe(1);
        await client.db().dropDatabase();
      } finally {
        await client.close();
        await admin.end();
      }
    });
  });
});

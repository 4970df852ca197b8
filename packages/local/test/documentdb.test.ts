import { Decimal128, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, UUID, type Collection, type Document } from "mongodb";
import { ConnectionString } from "mongodb-connection-string-url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentDatabase } from "@cloudcafe/catalog";
import { useLocalEnv } from "../src/testing/env.ts";
import { serverFailure, talksToStandIn, uniqueName } from "./documentdb-driver.ts";

/**
 * DocumentDB through the official driver, configured only by the environment a service gets (MONGODB_URL and the
 * MenuDocuments link): the local stand-in, or the real MongoDB / DocumentDB that MONGODB_URL names when it is set
 * for the run. Each test works in its own collection of the run's database.
 */
const env = useLocalEnv();
const url = env.MONGODB_URL!;
const client = new MongoClient(url);
let standIn = false;

beforeAll(async () => {
  standIn = await talksToStandIn(client);
});
afterAll(() => client.close());

const freshCollection = <T extends Document = Document>(label: string): Collection<T> => client.db().collection<T>(uniqueName(label));


describe("DocumentDB through the mongodb driver", () => {
  it("exposes the run's database in MONGODB_URL and the MenuDocuments link, with the catalog's collection in it", async () => {
    const link = JSON.parse(env[`SST_RESOURCE_${documentDatabase.resource}`] ?? "{}") as Record<string, unknown>;
    expect(link).toMatchObject({ url, database: client.db().databaseName });
    expect(client.db().databaseName.startsWith(documentDatabase.database)).toBe(true);
    const names = (await client.db().listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name);
    expect(names).toContain(documentDatabase.collections.menuConfigs);
  });

  it("answers ping, buildInfo, endSessions and hello as a writable primary", async () => {
    expect((await client.db().command({ ping: 1 })).ok).toBe(1);
    expect((await client.db("admin").command({ endSessions: [{ id: new UUID() }] })).ok).toBe(1);
    expect((await client.db("admin").command({ buildInfo: 1 })).version).toMatch(/^\d+\.\d+/);
    const hello = await client.db("admin").command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
  });

  it("inserts, finds with filter, projection, sort, skip and limit, and keeps the BSON types it was given", async () => {
    const items = freshCollection("find");
    const at = new Date("2025-01-02T03:04:05.678Z");
    await items.insertMany([
      { sku: "LAT-001", category: "coffee", price: new Int32(450), big: Long.fromString("9007199254740993"), ratio: new Double(2), at, exact: Decimal128.fromString("4.50") },
      { sku: "TEA-001", category: "tea", price: new Int32(300) },
      { sku: "ESP-001", category: "coffee", price: new Int32(300) },
      { sku: "MOC-001", category: "coffee", price: new Int32(520) },
    ]);

    const coffees = await items.find({ category: "coffee", price: { $gte: 300 } }, { projection: { _id: 0, sku: 1, price: 1 } }).sort({ price: -1, sku: 1 }).skip(1).limit(2).toArray();
    expect(coffees).toEqual([
      { sku: "LAT-001", price: 450 },
      { sku: "ESP-001", price: 300 },
    ]);

    const typed = await items.findOne({ sku: "LAT-001" }, { promoteValues: false, promoteLongs: false });
    expect(typed?._id).toBeInstanceOf(ObjectId);
    expect(typed?.price).toEqual(new Int32(450));
    expect(typed?.big).toEqual(Long.fromString("9007199254740993"));
    expect(typed?.ratio).toEqual(new Double(2));
    expect(typed?.at).toEqual(at);
    expect(typed?.exact).toEqual(Decimal128.fromString("4.50"));
  });

  it("updates with $set, $unset, $inc, $push, multi, and upserts with $setOnInsert", async () => {
    const items = freshCollection<{ sku: string; category?: string; price: number; stock?: number; legacy?: boolean; name?: string; tags?: string[]; createdBy?: string }>("update");
    await items.insertMany([
      { sku: "A", category: "coffee", price: 100, stock: 5, legacy: true },
      { sku: "B", category: "coffee", price: 200, stock: 1 },
      { sku: "C", category: "tea", price: 300, stock: 0 },
    ]);

    const one = await items.updateOne({ sku: "A" }, { $set: { name: "Americano" }, $unset: { legacy: "" }, $inc: { stock: 2 }, $push: { tags: "hot" } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await items.findOne({ sku: "A" }, { projection: { _id: 0 } })).toEqual({ sku: "A", category: "coffee", price: 100, stock: 7, name: "Americano", tags: ["hot"] });

    const many = await items.updateMany({ category: "coffee" }, { $inc: { price: 10 } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await items.find({ category: "coffee" }).sort({ sku: 1 }).map((item) => item.price).toArray()).toEqual([110, 210]);

    const unchanged = await items.updateOne({ sku: "C" }, { $set: { stock: 0 } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const upsert = await items.updateOne({ sku: "D" }, { $set: { price: 400 }, $setOnInsert: { createdBy: "sync" } }, { upsert: true });
    expect(upsert).toMatchObject({ matchedCount: 0, upsertedCount: 1 });
    expect(upsert.upsertedId).toBeInstanceOf(ObjectId);
    expect(await items.findOne({ sku: "D" }, { projection: { _id: 0 } })).toEqual({ sku: "D", price: 400, createdBy: "sync" });

    const again = await items.updateOne({ sku: "D" }, { $set: { price: 450 }, $setOnInsert: { createdBy: "other" } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await items.findOne({ sku: "D" }, { projection: { _id: 0 } })).toEqual({ sku: "D", price: 450, createdBy: "sync" });

    const replaced = await items.replaceOne({ sku: "B" }, { sku: "B", price: 250 });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await items.findOne({ sku: "B" }, { projection: { _id: 0 } })).toEqual({ sku: "B", price: 250 });
  });

  it("deletes one (limit 1) or every match (limit 0)", async () => {
    const items = freshCollection("delete");
    await items.insertMany([{ kind: "x" }, { kind: "x" }, { kind: "x" }, { kind: "y" }]);
    expect((await items.deleteOne({ kind: "x" })).deletedCount).toBe(1);
    expect((await items.deleteMany({ kind: "x" })).deletedCount).toBe(2);
    expect(await items.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ kind: "y" }]);
  });

  it("counts with countDocuments (the aggregate $match/$skip/$limit/$group it sends) and estimatedDocumentCount", async () => {
    const items = freshCollection("count");
    await items.insertMany(Array.from({ length: 12 }, (_, index) => ({ index, even: index % 2 === 0 })));
    expect(await items.countDocuments({ even: true })).toBe(6);
    expect(await items.countDocuments({}, { skip: 2, limit: 5 })).toBe(5);
    expect(await items.countDocuments({ even: "never" })).toBe(0);
    expect(await items.estimatedDocumentCount()).toBe(12);
  });

  it("aggregates with $match, $group, $sort, $limit, $project and $count, answering with a cursor", async () => {
    const items = freshCollection("aggregate");
    await items.insertMany([
      { category: "coffee", price: 300 },
      { category: "coffee", price: 500 },
      { category: "tea", price: 250 },
      { category: "pastry", price: 400 },
    ]);
    const totals = await items
      .aggregate([
        { $match: { price: { $gte: 250 } } },
        { $group: { _id: "$category", total: { $sum: "$price" }, items: { $sum: 1 } } },
        { $sort: { total: -1 } },
        { $limit: 2 },
        { $project: { _id: 0, category: "$_id", total: 1, items: 1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { total: 800, items: 2, category: "coffee" },
      { total: 400, items: 1, category: "pastry" },
    ]);
    expect(await items.aggregate([{ $match: { category: "coffee" } }, { $count: "coffees" }]).toArray()).toEqual([{ coffees: 2 }]);
  });

  it("enforces a unique index: the duplicate is writeError 11000 with its keyValue, the rest of an unordered batch lands", async () => {
    const items = freshCollection("unique");
    expect(await items.createIndex({ sku: 1 }, { unique: true })).toBe("sku_1");
    expect(await items.createIndex({ category: 1 })).toBe("category_1");
    await items.insertOne({ sku: "ESP-001", category: "coffee" });

    const duplicate = await serverFailure(items.insertOne({ sku: "ESP-001", category: "tea" }));
    expect(duplicate.code).toBe(11000);
    expect(duplicate.keyValue).toEqual({ sku: "ESP-001" });
    expect(duplicate.message).toContain("E11000");

    const batch = await serverFailure(items.insertMany([{ sku: "LAT-001" }, { sku: "ESP-001" }, { sku: "MOC-001" }], { ordered: false }));
    expect(batch.code).toBe(11000);
    expect(await items.countDocuments()).toBe(3);

    const byUpdate = await serverFailure(items.updateOne({ sku: "LAT-001" }, { $set: { sku: "MOC-001" } }));
    expect(byUpdate.code).toBe(11000);
    expect(await items.findOne({ sku: "LAT-001" })).not.toBeNull();

    const indexes = await items.listIndexes().toArray();
    expect(indexes.map(({ name, key, unique }) => ({ name, key, unique }))).toEqual([
      { name: "_id_", key: { _id: 1 }, unique: undefined },
      { name: "sku_1", key: { sku: 1 }, unique: true },
      { name: "category_1", key: { category: 1 }, unique: undefined },
    ]);
    expect(await items.find({ category: "coffee" }).toArray()).toHaveLength(1);
  });

  it("lets exactly one of many concurrent inserts of the same unique key commit", async () => {
    const racing = new MongoClient(url, { maxPoolSize: 20 });
    try {
      const items = racing.db().collection(uniqueName("race"));
      await items.createIndex({ sku: 1 }, { unique: true });
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, index) => items.insertOne({ sku: "RACE-001", attempt: index })));
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as MongoServerError] : []));
      expect(rejected.every((error) => error.code === 11000)).toBe(true);
      expect(await items.countDocuments()).toBe(1);
    } finally {
      await racing.close();
    }
  });

  it("leaves nothing of a write refused on its second unique index: the document's other keys stay free", async () => {
    const items = freshCollection("unique_two");
    await items.createIndex({ sku: 1 }, { unique: true });
    await items.createIndex({ barcode: 1 }, { unique: true });
    await items.insertOne({ sku: "A", barcode: "111" });

    expect((await serverFailure(items.insertOne({ sku: "B", barcode: "111" }))).keyValue).toEqual({ barcode: "111" });
    await items.insertOne({ sku: "B", barcode: "222" });

    expect((await serverFailure(items.updateOne({ sku: "B" }, { $set: { sku: "C", barcode: "111" } }))).code).toBe(11000);
    expect(await items.findOne({ sku: "B" }, { projection: { _id: 0 } })).toEqual({ sku: "B", barcode: "222" });
    await items.insertOne({ sku: "C", barcode: "333" });
    expect(await items.countDocuments()).toBe(3);
  });

  it("refuses a unique index over documents that already repeat the key", async () => {
    const items = freshCollection("unique_build");
    await items.insertMany([{ sku: "X" }, { sku: "X" }]);
    const error = await serverFailure(items.createIndex({ sku: 1 }, { unique: true }));
    expect(error.code).toBe(11000);
    expect((await items.listIndexes().toArray()).map((index) => index.name)).toEqual(["_id_"]);
  });

  it("serves a cursor over several batches with getMore, and killCursors closes one early", async () => {
    const items = freshCollection("cursor");
    await items.insertMany(Array.from({ length: 250 }, (_, index) => ({ index })));

    const all = await items.find({}).sort({ index: 1 }).batchSize(40).toArray();
    expect(all.map((item) => item.index)).toEqual(Array.from({ length: 250 }, (_, index) => index));

    const first = await client.db().command({ find: items.collectionName, filter: {}, sort: { index: 1 }, batchSize: 100 });
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect(first.cursor.firstBatch).toHaveLength(100);
    const more = await client.db().command({ getMore: first.cursor.id, collection: items.collectionName, batchSize: 100 });
    expect(more.cursor.nextBatch.map((item: Document) => item.index)).toEqual(Array.from({ length: 100 }, (_, index) => 100 + index));
    expect(more.cursor.id).toEqual(first.cursor.id);

    const killed = await client.db().command({ killCursors: items.collectionName, cursors: [first.cursor.id] });
    expect(killed.cursorsKilled).toEqual([first.cursor.id]);
    const gone = await serverFailure(client.db().command({ getMore: first.cursor.id, collection: items.collectionName }));
    expect(gone.code).toBe(43);
  });

  it("lists, creates and drops collections", async () => {
    const items = freshCollection("lifecycle");
    await client.db().createCollection(items.collectionName);
    const listed = await client.db().listCollections({ name: items.collectionName }).toArray();
    expect(listed).toMatchObject([{ name: items.collectionName, type: "collection" }]);
    await items.insertOne({ a: 1 });
    expect(await items.drop()).toBe(true);
    expect(await client.db().listCollections({ name: items.collectionName }).toArray()).toEqual([]);
  });

  it("answers an unknown command with CommandNotFound (59) naming it", async () => {
    const error = await serverFailure(client.db().command({ cloudcafeNoSuchCommand: 1 }));
    expect(error.code).toBe(59);
    expect(error.codeName).toBe("CommandNotFound");
    expect(error.message).toContain("cloudcafeNoSuchCommand");
  });

  it("fails an unknown query operator with an error naming it, instead of ignoring it", async () => {
    const items = freshCollection("operator");
    await items.insertOne({ a: 1 });
    const error = await serverFailure(items.find({ a: { $cloudcafeNoSuchOperator: 1 } }).toArray());
    expect(error.code).toBe(2);
    expect(error.message).toContain("$cloudcafeNoSuchOperator");
    const update = await serverFailure(items.updateOne({ a: 1 }, { $cloudcafeNoSuchModifier: { a: 2 } } as Document));
    expect(update.message).toContain("$cloudcafeNoSuchModifier");
  });

  it("connects as DocumentDB requires (replicaSet=rs0, readPreference=secondaryPreferred, retryWrites=false) and reads its writes", async (context) => {
    const hello = await client.db("admin").command({ hello: 1 });
    if (hello.setName !== documentDatabase.connectionOptions.replicaSet) context.skip();
    const rsUrl = new ConnectionString(url);
    for (const [name, value] of Object.entries(documentDatabase.connectionOptions)) rsUrl.searchParams.set(name, value);
    const rs = new MongoClient(rsUrl.toString());
    try {
      const items = rs.db().collection(uniqueName("rs"));
      await items.insertOne({ sku: "RS-001" });
      expect(await items.findOne({ sku: "RS-001" }, { projection: { _id: 0 } })).toEqual({ sku: "RS-001" });
      expect(await items.countDocuments()).toBe(1);
      const members = await rs.db("admin").command({ hello: 1 });
      expect(members).toMatchObject({ setName: "rs0", isWritablePrimary: true });
      if (standIn) {
        // The stand-in lists the address the client dialled, so the driver keeps the server it connected to.
        const [dialled] = rsUrl.hosts;
        expect(members).toMatchObject({ hosts: [dialled], primary: dialled, me: dialled });
      }
    } finally {
      await rs.close();
    }
  });
});

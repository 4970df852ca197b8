import { randomUUID } from "node:crypto";
import { MongoServerError, type MongoClient } from "mongodb";
import { STAND_IN_MARKER } from "../src/stand-ins/documentdb/commands/server-info.ts";

/** Helpers of the DocumentDB tests, which run through the driver against the stand-in or the server at MONGODB_URL. */

/** True when `client` talks to the local stand-in rather than a real MongoDB or DocumentDB. */
export async function talksToStandIn(client: MongoClient): Promise<boolean> {
  return (await client.db("admin").command({ buildInfo: 1 }))[STAND_IN_MARKER] !== undefined;
}

/** A collection or database name no other test (or parallel run) uses. */
export const uniqueName = (label: string) => `${label}_${randomUUID().slice(0, 8)}`;

/** The server error a driver call fails with. */
export async function serverFailure(call: Promise<unknown>): Promise<MongoServerError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(error)}`);
  return error;
}

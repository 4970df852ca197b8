import { ObjectId } from "bson";
import { MAX_BSON_OBJECT_BYTES, MAX_MESSAGE_BYTES } from "../wire.ts";
import { checkArguments, type CommandContext, type CommandHandler } from "./arguments.ts";
import type { TypedDocument } from "../values.ts";

/**
 * The handshake and server facts. The stand-in presents itself as DocumentDB 5.0 (the cluster family infra deploys):
 * MongoDB 5.0's wire version 13, so the driver enables locally the features it would use against the cluster.
 * No compression is advertised, so the driver never sends OP_COMPRESSED; no topologyVersion, so it polls hello
 * instead of streaming it.
 */
export const MAX_WIRE_VERSION = 13;
export const SERVER_VERSION = "5.0.0";
/** buildInfo's member naming the stand-in and its storage: how the platform recognises a stand-in it may reuse. */
export const STAND_IN_MARKER = "cloudcafeStandIn";

/** Fixed: the one member of the set is always the primary of the same term. */
const ELECTION_ID = new ObjectId("7fffffff0000000000000001");

const HANDSHAKE_ARGUMENTS = ["helloOk", "client", "compression", "saslSupportedMechs", "speculativeAuthenticate", "loadBalanced", "backpressure", "topologyVersion", "maxAwaitTimeMS"];

/**
 * hello (and the legacy isMaster, which names the writable flag `ismaster`). As a replica set member, `hosts`,
 * `primary` and `me` are the address the client dialled, so the driver keeps the server it connected to.
 */
export function handshake(command: TypedDocument, context: Pick<CommandContext, "connection" | "replicaSetName">, legacy: boolean): TypedDocument {
  checkArguments(command, HANDSHAKE_ARGUMENTS);
  const { address, id } = context.connection;
  return {
    ...(command.helloOk ? { helloOk: true } : {}),
    [legacy ? "ismaster" : "isWritablePrimary"]: true,
    ...(context.replicaSetName
      ? { setName: context.replicaSetName, setVersion: 1, electionId: ELECTION_ID, hosts: [address], primary: address, me: address, secondary: false }
      : {}),
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

const buildInfo: CommandHandler = (command, context) => {
  checkArguments(command, []);
  return {
    version: SERVER_VERSION,
    versionArray: [5, 0, 0, 0],
    gitVersion: "cloudcafe-local-documentdb-stand-in",
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_BYTES,
    storageEngines: [],
    [STAND_IN_MARKER]: { service: "documentdb", storage: context.storageName },
    ok: 1,
  };
};

export const serverInfoCommands: Record<string, CommandHandler> = {
  hello: (command, context) => handshake(command, context, false),
  isMaster: (command, context) => handshake(command, context, true),
  ismaster: (command, context) => handshake(command, context, true),
  buildInfo,
  buildinfo: buildInfo,
  ping: (command) => {
    checkArguments(command, []);
    return { ok: 1 };
  },
  // Sessions hold nothing here (no transactions, no retryable writes), so ending them has nothing to release.
  endSessions: (command) => {
    checkArguments(command, []);
    return { ok: 1 };
  },
};

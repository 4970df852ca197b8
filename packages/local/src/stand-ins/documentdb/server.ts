import { createServer, type Server, type Socket } from "node:net";
import { runCommand, type CommandContext } from "./commands/index.ts";
import { handshake } from "./commands/server-info.ts";
import { Cursors } from "./cursors.ts";
import { CommandError } from "./errors.ts";
import { Storage, type StorageConnectionOptions } from "./storage.ts";
import type { TypedDocument } from "./values.ts";
import { encodeMsgReply, encodeQueryReply, FrameReader, OP_COMPRESSED, parseRequest, ProtocolError, type WireRequest } from "./wire.ts";

/**
 * The local DocumentDB stand-in: a MongoDB wire-protocol server that the official driver talks to unchanged, keeping
 * its data in PostgreSQL. It implements what CloudCafe uses and refuses the rest by name (see packages/local/README.md).
 */

export interface DocumentDbServerOptions {
  /** The PostgreSQL database holding the stand-in's collections. */
  readonly databaseUrl: string;
  /** Answer hello as the primary of this replica set (DocumentDB's is `rs0`); absent: as a standalone. */
  readonly replicaSetName?: string;
  /** How it connects to that database (idle timeout, application name); Storage.open's defaults otherwise. */
  readonly storage?: StorageConnectionOptions;
}

export interface DocumentDbServer {
  readonly server: Server;
  close(): Promise<void>;
}

const HANDSHAKE_COMMANDS = new Set(["isMaster", "ismaster", "hello"]);

/**
 * The stand-in's own admin command for the `documentdb-connection-exhaustion` fault (DocumentDB has none: there the
 * cluster's connection limit is what runs out): `{cloudcafeChaos: "connection-exhaustion", seconds}` on `admin`.
 * For `seconds` (0 ends it) the server behaves as one whose connection limit is taken: every new connection is closed at
 * its handshake, as a server over its limit closes it, and the clients' open connections are closed once idle, so
 * their pools must reconnect and cannot. Connections whose handshake names the application `CHAOS_APP_NAME` (the
 * control plane's own) are spared, so it can end the fault; the stand-in ends it on its own when `seconds` run out.
 */
export const CHAOS_COMMAND = "cloudcafeChaos";
export const CHAOS_APP_NAME = "cloudcafe-chaos";
const MAX_EXHAUSTION_SECONDS = 300;

interface ClientConnection {
  readonly socket: Socket;
  appName?: string;
  busy: number;
}

function applicationName(command: TypedDocument): string | undefined {
  const client = command.client as { application?: { name?: unknown } } | undefined;
  return typeof client?.application?.name === "string" ? client.application.name : undefined;
}

/** What a pre-OP_MSG request gets: legacy hello only, as MongoDB 5.1+ answers. */
function answerLegacyQuery(request: Extract<WireRequest, { kind: "query" }>, context: Omit<CommandContext, "database">): TypedDocument {
  const query = (request.query.$query as TypedDocument | undefined) ?? request.query;
  const [name] = Object.keys(query);
  if (request.collection.endsWith(".$cmd") && name !== undefined && HANDSHAKE_COMMANDS.has(name)) {
    try {
      return handshake(query, context, name !== "hello");
    } catch (error) {
      if (error instanceof CommandError) return error.toReply();
      throw error;
    }
  }
  return new CommandError("UnsupportedOpQueryCommand", `Unsupported OP_QUERY command: ${name ?? request.collection}. The client driver may require an upgrade.`).toReply();
}

export async function createDocumentDbServer(options: DocumentDbServerOptions): Promise<DocumentDbServer> {
  const storage = await Storage.open(options.databaseUrl, options.storage);
  const cursors = new Cursors();
  const storageName = new URL(options.databaseUrl).pathname.slice(1);
  const sockets = new Set<Socket>();
  const clients = new Map<Socket, ClientConnection>();
  let connections = 0;
  let exhaustedUntil = 0;
  let refused = 0;
  const exhausted = () => Date.now() < exhaustedUntil;
  const spared = (client: ClientConnection) => client.appName === CHAOS_APP_NAME;

  /** Runs the chaos command; answers how many connections it closed and refused. */
  const chaosCommand = (command: TypedDocument): TypedDocument => {
    const seconds = Number(command.seconds ?? 0);
    if (command[CHAOS_COMMAND] !== "connection-exhaustion" || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_EXHAUSTION_SECONDS) {
      return new CommandError("BadValue", `${CHAOS_COMMAND} takes "connection-exhaustion" and seconds in [0, ${MAX_EXHAUSTION_SECONDS}]`).toReply();
    }
    if (command.$db !== "admin") return new CommandError("Unauthorized", `${CHAOS_COMMAND} may only be run against the admin database`).toReply();
    exhaustedUntil = seconds > 0 ? Date.now() + seconds * 1_000 : 0;
    let closed = 0;
    if (seconds > 0) {
      for (const client of clients.values()) {
        if (spared(client) || client.busy > 0) continue;
        client.socket.destroy();
        closed++;
      }
      console.error(`[documentdb stand-in] connection exhaustion for ${seconds} s: closed ${closed} idle connections, refusing new ones`);
    } else {
      console.error(`[documentdb stand-in] connection exhaustion ended: ${refused} connections refused`);
    }
    return { ok: 1, closed, refused, exhaustedUntil: new Date(exhaustedUntil) };
  };

  const serve = (socket: Socket) => {
    sockets.add(socket);
    const client: ClientConnection = { socket, busy: 0 };
    clients.set(socket, client);
    socket.setNoDelay(true);
    const context = {
      storage,
      cursors,
      storageName,
      connection: { id: ++connections, address: `${socket.localAddress}:${socket.localPort}` },
      ...(options.replicaSetName ? { replicaSetName: options.replicaSetName } : {}),
    };
    const reader = new FrameReader();
    let pending = Promise.resolve();
    const fail = (error: unknown) => {
      if (!(error instanceof ProtocolError)) console.error("[documentdb stand-in] connection failed", error);
      else console.error(`[documentdb stand-in] closing connection ${context.connection.id}: ${error.message}`);
      socket.destroy();
    };
    /** A new connection's handshake while exhausted: closed unanswered, as a server over its connection limit does. */
    const refuse = (command: TypedDocument | undefined): boolean => {
      if (!command) return false;
      const [name] = Object.keys(command);
      if (name === undefined || !HANDSHAKE_COMMANDS.has(name)) return false;
      client.appName ??= applicationName(command);
      if (!exhausted() || spared(client)) return false;
      refused++;
      socket.destroy();
      return true;
    };
    const answer = async (frame: Buffer) => {
      const request = parseRequest(frame);
      const command = request.kind === "query" ? ((request.query.$query as TypedDocument | undefined) ?? request.query) : request.kind === "msg" ? request.command : undefined;
      if (refuse(command)) return;
      if (request.kind === "msg" && request.command[CHAOS_COMMAND] !== undefined) {
        socket.write(encodeMsgReply(request.header.requestId, chaosCommand(request.command)));
        return;
      }
      if (request.kind === "query") {
        socket.write(encodeQueryReply(request.header.requestId, answerLegacyQuery(request, context)));
      } else if (request.kind === "msg") {
        const reply = await runCommand(request.command, context);
        if (!request.moreToCome && !socket.destroyed) socket.write(encodeMsgReply(request.header.requestId, reply));
      } else if (request.header.opCode === OP_COMPRESSED) {
        const refusal = new CommandError("BadValue", "OP_COMPRESSED is not supported: the local DocumentDB stand-in advertises no compressors");
        socket.write(encodeMsgReply(request.header.requestId, refusal.toReply()));
      } else {
        throw new ProtocolError(`opcode ${request.header.opCode} is not supported (OP_MSG, and OP_QUERY for the handshake, are)`);
      }
    };
    socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      for (const frame of frames) {
        client.busy++;
        pending = pending
          .then(() => answer(frame))
          .catch(fail)
          .finally(() => {
            client.busy--;
            // Exhausted: a client's connection does not survive its last answer.
            if (client.busy === 0 && exhausted() && !spared(client)) socket.destroy();
          });
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      sockets.delete(socket);
      clients.delete(socket);
    });
  };

  const server = createServer(serve);
  return {
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      cursors.close();
      await storage.close();
    },
  };
}

import { createServer, type Server, type Socket } from "node:net";
import { runCommand, type CommandContext } from "./commands/index.ts";
import { handshake } from "./commands/server-info.ts";
import { Cursors } from "./cursors.ts";
import { CommandError } from "./errors.ts";
import { Storage } from "./storage.ts";
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
}

export interface DocumentDbServer {
  readonly server: Server;
  close(): Promise<void>;
}

const HANDSHAKE_COMMANDS = new Set(["isMaster", "ismaster", "hello"]);

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
  const storage = await Storage.open(options.databaseUrl);
  const cursors = new Cursors();
  const storageName = new URL(options.databaseUrl).pathname.slice(1);
  const sockets = new Set<Socket>();
  let connections = 0;

  const serve = (socket: Socket) => {
    sockets.add(socket);
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
    const answer = async (frame: Buffer) => {
      const request = parseRequest(frame);
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
      for (const frame of frames) pending = pending.then(() => answer(frame)).catch(fail);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
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

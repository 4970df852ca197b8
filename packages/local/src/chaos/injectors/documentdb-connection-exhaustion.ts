import { MongoClient } from "mongodb";
import { z } from "zod";
import { CHAOS_APP_NAME, CHAOS_COMMAND } from "../../stand-ins/documentdb/server.ts";
import type { FaultInjector } from "../injector.ts";

/**
 * `documentdb-connection-exhaustion` locally: the DocumentDB stand-in is told its connection limit is taken (its own
 * admin command, see the stand-in's server): it refuses every new connection at its handshake and closes its
 * clients' connections once idle, so the menu service's pool loses its connections and cannot open new ones (menu
 * reads that miss the cache, and writes, fail). The stand-in ends it on its own after the TTL, so a control plane that
 * dies cannot leave it in force. Against a real MongoDB/DocumentDB (MONGODB_URL) there is no such command and the
 * injection fails rather than pretend.
 */
export function documentDbConnectionExhaustionInjector(options: { readonly url: string }): FaultInjector {
  const exhaust = async (client: MongoClient, seconds: number) => {
    const reply = await client.db("admin").command({ [CHAOS_COMMAND]: "connection-exhaustion", seconds });
    return { closed: Number(reply.closed ?? 0), refused: Number(reply.refused ?? 0) };
  };
  return {
    parameters: z.object({}).strict(),
    async inject({ ttlSeconds }) {
      // The control plane's own connection (spared by the stand-in by its application name) ends the fault.
      const client = new MongoClient(options.url, { appName: CHAOS_APP_NAME, directConnection: true, maxPoolSize: 1, serverSelectionTimeoutMS: 3_000 });
      try {
        await client.connect();
        const { closed } = await exhaust(client, ttlSeconds);
        return {
          effect: { idleConnectionsClosed: closed, newConnections: "refused" },
          revert: async () => {
            try {
              const { refused } = await exhaust(client, 0);
              // Told in the audit log by the control plane's revert line; kept here for the stand-in's own log.
              void refused;
            } finally {
              await client.close();
            }
          },
        };
      } catch (error) {
        await client.close();
        const message = (error as Error).message;
        throw new Error(`the DocumentDB at ${options.url} did not take the exhaustion command (${message}); only the local stand-in has it`, { cause: error });
      }
    },
  };
}

/** What the Node engines process needs of each engine it serves. */
import type { Server } from "node:net";

/** An engine listening in the Node engines process. */
export interface ServedEngine {
  /** Stops listening and lets go of what it holds (its PostgreSQL pool, its timers). */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port`; rejects when the port cannot be had (taken by another process, say). */
export function listenLocally(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      resolve();
    });
  });
}

/** Closes `server`, resolving once it has (an error, such as a server not listening, still resolves). */
export const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

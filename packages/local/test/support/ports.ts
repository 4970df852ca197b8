import { freePort } from "../../src/process/net.ts";

/** An address nothing listens on (a free port, released again). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

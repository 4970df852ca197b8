/** kinesalite (Kinesis) in memory, served in the Node engines process. */
import kinesalite from "kinesalite";
import { keepConnectionsAlive } from "@cloudcafe/http/keep-alive";
import { closeServer, listenLocally, type ServedEngine } from "./served-engine.ts";

export async function serveKinesis(port: number): Promise<ServedEngine> {
  const server = kinesalite({
    // Streams become ACTIVE almost at once, so resource creation and tests do not wait half a second per stream.
    createStreamMs: 10,
    deleteStreamMs: 10,
    updateStreamMs: 10,
    // Room for several isolated test runs (each creates every catalog stream) sharing one server.
    shardLimit: 1_000,
  });
  // Idle connections kept as long as the services keep theirs: Node's 5 s default closed the connection before each of
  // an idle stream poller's reads.
  keepConnectionsAlive(server);
  await listenLocally(server, port);
  console.log(`kinesalite listening on http://127.0.0.1:${port}`);
  return { close: () => closeServer(server) };
}

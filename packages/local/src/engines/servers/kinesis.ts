/** Child-process entry: kinesalite (Kinesis) in memory on 127.0.0.1:<port>. */
import kinesalite from "kinesalite";
import { keepConnectionsAlive } from "@cloudcafe/http/keep-alive";

const port = Number(process.argv[2]);
if (!Number.isInteger(port)) throw new Error("usage: kinesis.ts <port>");

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
server.listen(port, "127.0.0.1", () => console.log(`kinesalite listening on http://127.0.0.1:${port}`));

const close = () => server.close(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);

/**
 * A service copy small enough to start in a moment: `/health` and `/ready` answer 200, any other request answers 200
 * with the copy's pid and port (so a test sees which copy served it); drains on SIGTERM. Listens on PORT.
 */
import { createServer } from "node:http";

const port = Number(process.env.PORT);
const server = createServer((request, response) => {
  request.resume();
  request.once("end", () => {
    const status = request.url === "/health" || request.url === "/ready" ? { status: "ok" } : { pid: process.pid, port, method: request.method, url: request.url };
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(status));
  });
});
server.listen(port, "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));

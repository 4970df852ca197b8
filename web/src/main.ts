import "./styles.css";
import { createApiClient } from "./api/client.ts";
import { startConsole } from "./app.ts";
import { operatorTokenStore } from "./stress/operator-token.ts";

/** The token `packages/local` configures; only hinted at when the console is served from this machine. */
const LOCAL_OPERATOR_TOKEN = "local-operator-token";
const isLocal = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);

const tokens = operatorTokenStore(sessionStorage);
const root = document.getElementById("app");
if (!root) throw new Error("index.html must contain #app");

startConsole({
  root,
  client: createApiClient({ operatorToken: tokens.get }),
  tokens,
  orderStorage: sessionStorage,
  localDefaultToken: isLocal ? LOCAL_OPERATOR_TOKEN : undefined,
  path: location.pathname,
});

/** Prints what a compiled entry must still see as its sources do: the repository root, its own URL, a workspace package. */
import { services } from "@cloudcafe/catalog";
import { repoRoot } from "../../src/paths.ts";

console.log(JSON.stringify({ repoRoot, url: import.meta.url, orderPort: services.order.localPort, loaders: process.execArgv }));

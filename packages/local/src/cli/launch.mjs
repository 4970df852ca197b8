// `npm start`: compiles the platform's host process (cli/start.ts, and the Lambda handlers it runs in process) to
// JavaScript with esbuild, then runs it on Node alone, as its children already run. Under tsx the host kept tsx's
// loader thread and an esbuild service process pinging it every second for its whole life (`npm run bench -- idle`
// showed both). Plain JavaScript, because nothing can compile TypeScript before it runs. The tests still start
// cli/start.ts under tsx, and so can anyone (`npx tsx packages/local/src/cli/start.ts`).
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileHost } from "../process/host-build.mjs";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const started = performance.now();
const outDir = join(process.env.CLOUDCAFE_STATE_DIR ?? join(repoRoot, ".local"), "build", "host");
const { startModule, handlers } = await compileHost({ repoRoot, outDir });
// Where the host finds its handlers compiled (compiled-entries.ts, hostBuildModule).
process.env.CLOUDCAFE_HOST_BUILD = outDir;
console.log(`[local] compiled the host and its ${handlers.length} in-process handlers in ${Math.round(performance.now() - started)} ms`);
await import(pathToFileURL(startModule).href);

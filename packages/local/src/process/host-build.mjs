// Compiles `npm start`'s host process (cli/start.ts) and the Lambda handlers it runs in process into one build with
// shared chunks, so the host and every handler share one instance of each module (the log routing, the metrics sink,
// the trace context), as they do under tsx. Plain JavaScript: the launcher runs it before any TypeScript can run.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { bundleOptions } from "./esbuild-bundle.mjs";

/** Compiles into `outDir` (emptied first); answers the compiled start module and the handlers compiled with it. */
export async function compileHost({ repoRoot, outDir }) {
  rmSync(outDir, { recursive: true, force: true });
  // Which handlers the host loads comes from the catalog (TypeScript): compile that list first and read it.
  const manifest = join(outDir, "manifest");
  await build(bundleOptions({ entryPoints: [join(repoRoot, "packages/local/src/process/host-handlers.ts")], outDir: manifest, repoRoot }));
  const { hostHandlerModules } = await import(pathToFileURL(join(manifest, "packages/local/src/process/host-handlers.mjs")).href);
  // A handler whose module does not exist yet is reported by the host, which then leaves its source unconsumed.
  const handlers = hostHandlerModules().filter((module) => existsSync(join(repoRoot, module)));
  const startSource = join(repoRoot, "packages/local/src/cli/start.ts");
  await build(bundleOptions({ entryPoints: [startSource, ...handlers.map((module) => join(repoRoot, module))], outDir, repoRoot, splitting: true }));
  return { startModule: join(outDir, "packages/local/src/cli/start.mjs"), handlers };
}

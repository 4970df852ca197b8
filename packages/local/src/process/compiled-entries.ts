/**
 * The platform's Node entries (service servers, workers, engine stand-ins) compiled to JavaScript once per `npm start`,
 * so each child runs on Node alone. Under the tsx loader every child also kept tsx's loader thread (a second V8 heap)
 * and an esbuild service process that pings it every second: about 40 MB and 0.3-0.5% of a core per process with
 * nothing to do (`npm run bench -- idle` measures both).
 *
 * Only the repository's TypeScript is bundled (one file per entry, in `<stateDir>/build`); packages from node_modules
 * stay imports, resolved from the repository root as before. Every `import.meta.url` keeps its source file's URL, so
 * what is computed from it (the repository root, the migrations folder, worker files, which load through tsx in their
 * own thread when not compiled) points where it did. An entry that was not compiled runs under tsx as before (tests
 * spawn that way).
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, stop as stopEsbuild } from "esbuild";
import { longRunningWorkers, services } from "@cloudcafe/catalog";
import { repoRoot } from "../paths.ts";
import { bundleOptions } from "./esbuild-bundle.mjs";
import { tsxCommand } from "./tsx-node.ts";

const compiled = new Map<string, string>();

/** Compiles `entries` into `outDir` (mirroring their place in the repository) and runs them compiled from now on. */
export async function compileNodeEntries(entries: readonly URL[], outDir: string): Promise<void> {
  const paths = entries.map((entry) => fileURLToPath(entry)).filter((path) => existsSync(path));
  await build(bundleOptions({ entryPoints: paths, outDir, repoRoot }));
  // esbuild keeps its service process (and a ping to it) until asked to stop; a later build starts it again. Under
  // tsx the loader may share that service, so only a compiled host stops it.
  if (process.env.CLOUDCAFE_HOST_BUILD) await stopEsbuild();
  for (const path of paths) compiled.set(path, join(outDir, relative(repoRoot, path)).replace(/\.ts$/, ".mjs"));
}

/**
 * The worker-thread entries the services start, by the variable that names a bundled one (as their container images
 * do): the stress pool's threads and the loyalty tier batch's. Compiled, a thread needs no tsx of its own either.
 */
const threadEntries = {
  STRESS_WORKER_FILE: "packages/stress/src/worker.ts",
  LOYALTY_BATCH_WORKER_FILE: "functions/loyalty/src/jobs/tier-worker.ts",
} as const;

/** Every Node entry `npm start` runs: each service's server, each long-running worker, the Node engines, the threads. */
export function platformEntries(): URL[] {
  const modules = [
    ...Object.values(services).map((service) => service.serverModule),
    ...Object.values(longRunningWorkers).map((worker) => worker.module),
    ...Object.values(threadEntries),
  ];
  return [...modules.map((module) => pathToFileURL(join(repoRoot, module))), new URL("../engines/servers/node-engines.ts", import.meta.url)];
}

/** The variables that point the services at their compiled thread entries (none for what was not compiled). */
export function compiledThreadEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(threadEntries).flatMap(([variable, module]) => {
      const output = compiled.get(join(repoRoot, module));
      return output ? [[variable, output]] : [];
    }),
  );
}

/** How to run a TypeScript entry: its compiled JavaScript with plain Node when compiled, otherwise under tsx. */
export function nodeCommand(entry: URL, args: readonly string[] = []): { command: string; args: string[]; cwd: string } {
  const output = compiled.get(fileURLToPath(entry));
  return output ? { command: process.execPath, args: [output, ...args], cwd: repoRoot } : tsxCommand(entry, args);
}

/**
 * Where `npm start`'s launcher put a module of the host's compiled build (CLOUDCAFE_HOST_BUILD), as a URL to import,
 * or undefined when the host runs under tsx (tests start it that way) or the module was not part of the build.
 */
export function hostBuildModule(repositoryPath: string): string | undefined {
  const build = process.env.CLOUDCAFE_HOST_BUILD;
  if (!build) return undefined;
  const output = join(build, repositoryPath.replace(/\.ts$/, ".mjs"));
  return existsSync(output) ? pathToFileURL(output).href : undefined;
}

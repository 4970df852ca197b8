// How the platform compiles its TypeScript entries with esbuild, shared by `npm start`'s launcher (plain JavaScript,
// before any TypeScript can run) and by the host compiling its children (compiled-entries.ts).
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

/** Bare imports stay imports, except the workspace's own packages, whose exports are TypeScript. */
const workspaceOnly = {
  name: "workspace-only",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@cloudcafe/") ? undefined : { path: args.path, external: true }));
  },
};

/** `import.meta.url` of a bundled module is the bundle's: put back each source file's own. */
const sourceUrls = {
  name: "source-urls",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/**
 * esbuild options for `entryPoints` (absolute paths) into `outDir`, mirroring their place under `repoRoot`, one
 * `.mjs` per entry. With `splitting`, modules the entries share go to chunks of their own, so entries imported into
 * one process share one instance of each module (the host and the handlers it loads).
 */
export function bundleOptions({ entryPoints, outDir, repoRoot, splitting = false }) {
  return {
    entryPoints,
    outdir: outDir,
    outbase: repoRoot,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting,
    platform: "node",
    format: "esm",
    target: "node20",
    keepNames: true,
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [workspaceOnly, sourceUrls],
  };
}

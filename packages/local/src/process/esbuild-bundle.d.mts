import type { BuildOptions } from "esbuild";

export function bundleOptions(options: { entryPoints: string[]; outDir: string; repoRoot: string; splitting?: boolean }): BuildOptions;

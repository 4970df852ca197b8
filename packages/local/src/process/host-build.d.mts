/** Compiles `npm start`'s host and its in-process handlers into `outDir` (see host-build.mjs). */
export function compileHost(options: { repoRoot: string; outDir: string }): Promise<{ startModule: string; handlers: string[] }>;

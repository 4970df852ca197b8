/**
 * Worker threads start with a bare Node loader. When the code runs from TypeScript sources (tsx locally, vitest
 * in tests) a `.ts` worker needs tsx's loader too; bundled JavaScript (the Lambda build) needs nothing.
 */
export function workerExecArgv(workerFile: URL): string[] {
  const inherited = process.execArgv;
  if (!workerFile.pathname.endsWith(".ts") || inherited.some((arg) => arg.includes("tsx"))) return inherited;
  return [...inherited, "--import", import.meta.resolve("tsx")];
}

import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Worker threads start with a bare Node loader. When the code runs from TypeScript sources (tsx locally, vitest
 * in tests) a `.ts` worker needs tsx's loader too; bundled JavaScript (the Lambda build) needs nothing.
 */
export function workerExecArgv(workerFile: URL): string[] {
  const inherited = process.execArgv;
  if (!workerFile.pathname.endsWith(".ts") || inherited.some((arg) => arg.includes("tsx"))) return inherited;
  return [...inherited, "--import", import.meta.resolve("tsx")];
}

/**
 * Starts a worker thread on `file`. A `.ts` file is imported by a small bootstrap that registers tsx inside the
 * thread first: Node does not apply `--import` loaders to a worker's own entry module, so execArgv alone is not
 * enough here (piscina is different: its entry is its own JavaScript, which imports ours afterwards).
 */
export function startModuleWorker(file: URL, options: WorkerOptions = {}): Worker {
  if (!file.pathname.endsWith(".ts")) return new Worker(file, options);
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: [] });
}

import { fileURLToPath } from "node:url";

/** Command line that runs a TypeScript entry with this Node binary and the tsx loader, wherever the cwd is. */
export function tsxCommand(entry: URL, args: readonly string[] = []): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), fileURLToPath(entry), ...args] };
}

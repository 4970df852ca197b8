import { fileURLToPath } from "node:url";
import { repoRoot } from "../paths.ts";

/**
 * Runs a TypeScript entry with this Node binary and the tsx loader. `--import tsx` resolves from the working
 * directory, hence the repository root as cwd (import.meta.resolve is unavailable under vitest's module runner).
 */
export function tsxCommand(entry: URL, args: readonly string[] = []): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: ["--import", "tsx", fileURLToPath(entry), ...args], cwd: repoRoot };
}

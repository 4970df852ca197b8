import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stopProcessGroup } from "./children.ts";

/** What is known about an engine left running for later runs: enough to find and stop exactly that process. */
interface DaemonRecord {
  readonly name: string;
  readonly pid: number;
  readonly command: readonly string[];
}

const daemonDir = (stateDir: string) => join(stateDir, "daemons");

export function recordDaemon(stateDir: string, slug: string, record: DaemonRecord): void {
  mkdirSync(daemonDir(stateDir), { recursive: true });
  writeFileSync(join(daemonDir(stateDir), `${slug}.json`), JSON.stringify(record));
}

function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * Stops the recorded engine daemons that still run the recorded command (a pid reused by an unrelated process
 * is left alone) and forgets every record. Returns the names of the engines stopped.
 */
export async function stopRecordedDaemons(stateDir: string): Promise<string[]> {
  let files: string[];
  try {
    files = readdirSync(daemonDir(stateDir)).filter((file) => file.endsWith(".json"));
  } catch {
    return [];
  }
  const stopped: string[] = [];
  for (const file of files) {
    const path = join(daemonDir(stateDir), file);
    const record = JSON.parse(readFileSync(path, "utf8")) as DaemonRecord;
    const running = commandLineOf(record.pid);
    if (running && running.join(" ") === record.command.join(" ")) {
      await stopProcessGroup(record.pid);
      stopped.push(record.name);
    }
    rmSync(path, { force: true });
  }
  return stopped;
}

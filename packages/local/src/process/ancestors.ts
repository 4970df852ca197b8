import { readFileSync } from "node:fs";
import { isProcessAlive } from "./alive.ts";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state, then the parent pid.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/** This process's ancestors up to (not including) init, nearest first. */
function ancestors(): number[] {
  const chain: number[] = [];
  for (let pid: number | undefined = process.ppid; pid !== undefined && pid > 1; pid = parentOf(pid)) chain.push(pid);
  return chain;
}

/**
 * Calls `onExit` once when any ancestor process is gone. `npm start` runs us under npm -> sh -> node (the launcher),
 * and a SIGTERM to npm ends npm and sh without reaching us; without this the platform would live on as an orphan.
 */
export function whenAncestorExits(onExit: () => void, intervalMs = 1_000): void {
  const watched = ancestors();
  const timer = setInterval(() => {
    if (watched.every(isProcessAlive)) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
}

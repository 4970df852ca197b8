import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function commandExists(command: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

const isRoot = () => process.getuid?.() === 0;

async function aptGetInstall(packages: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A fresh machine has empty package lists; refresh them only when the install needs it.
    await run("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
}

/**
 * Makes sure `command` is on the PATH: installs `aptPackage` when running as root, otherwise stops with the
 * exact command to run.
 */
export async function ensureCommand(command: string, aptPackage: string): Promise<void> {
  if (await commandExists(command)) return;
  if (!isRoot()) throw new Error(`"${command}" is missing. Install it with: sudo apt-get install -y ${aptPackage}`);
  console.error(`[local] installing ${aptPackage} (apt-get) ...`);
  await aptGetInstall([aptPackage]);
  if (!(await commandExists(command))) throw new Error(`Installed ${aptPackage} but "${command}" is still not on the PATH`);
}

export { isRoot, run as runCommand };

import { fileURLToPath } from "node:url";

/** The repository root (npm workspaces root), where node_modules and the functions/ folder live. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "functions/*/test/**/*.test.ts", "infra/test/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: ["packages/local/src/testing/global-setup.ts"],
    pool: "forks",
    // Services log JSON to stdout; show it only for failing tests.
    silent: "passed-only",
    fileParallelism: false,
  },
});

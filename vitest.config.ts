import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "functions/*/test/**/*.test.ts", "infra/test/**/*.test.ts", "tests/**/*.test.ts", "web/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: ["packages/local/src/testing/global-setup.ts"],
    pool: "forks",
    // Services write JSON logs and EMF documents to stdout: keep warnings and errors, drop the rest.
    env: { LOG_LEVEL: "WARN", CLOUDCAFE_METRICS_DISABLED: "true" },
    fileParallelism: false,
  },
});

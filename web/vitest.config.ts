import { defineConfig } from "vitest/config";

/**
 * `npm test -w web`: the console's logic in Node (nothing needs a browser), plus its client against the real
 * Order service on the local engines, which the platform's global setup provides as it does for the root run.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: ["../packages/local/src/testing/global-setup.ts"],
    pool: "forks",
    env: { LOG_LEVEL: "WARN", CLOUDCAFE_METRICS_DISABLED: "true" },
  },
});

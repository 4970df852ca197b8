import { defineConfig } from "vitest/config";

/** `npm test -w web`: the console's logic in Node; nothing here needs a browser. */
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});

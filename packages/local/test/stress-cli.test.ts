import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli/stress.ts", import.meta.url));

/** The environment of an operator's shell: no SST links and no AWS endpoints, only where the system engines are. */
function operatorShell(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("SST_RESOURCE_") && !name.startsWith("AWS_ENDPOINT_URL")),
  );
}

describe("npm run stress (local platform environment)", () => {
  it("runs the avalanche on the real payment handler with the platform's links, which a bare shell lacks", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        TSX,
        [CLI, "cold-start-avalanche", "--invocations", "2", "--concurrency", "2", "--init-delay-ms", "0", "--fraud-rounds", "10"],
        { env: operatorShell(), timeout: 120_000 },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      );
    });
    expect(stderr).not.toMatch(/Missing payment processor links/);
    // On failure, say why: the CLI's last words, without the JSON log lines of the run.
    expect(code, stderr.split("\n").filter((line) => !line.startsWith("{")).slice(-30).join("\n")).toBe(0);
    const report = JSON.parse(stdout.slice(stdout.lastIndexOf("\n{\n") + 1)) as { result: { cold: number; failed: number; firstError?: string } };
    expect(report.result).toMatchObject({ cold: 2, failed: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { parseStressCommand } from "../src/command.ts";

describe("stress CLI command line", () => {
  it("sends morning-rush and menu-sync through the gateway to their service with the operator token, or runs them in-process with --in-process", () => {
    const env = { GATEWAY_URL: "http://gateway.test:3000", OPERATOR_TOKEN: "token" };
    expect(parseStressCommand(["morning-rush", "--target", "0.5", "--duration", "10"], env)).toEqual({
      kind: "gateway-run",
      scenario: "morning-rush",
      servicePath: "/api/orders",
      gatewayUrl: "http://gateway.test:3000",
      operatorToken: "token",
      body: { targetCpu: 0.5, durationSeconds: 10 },
    });
    expect(parseStressCommand(["morning-rush", "--in-process"], env)).toEqual({ kind: "cpu-run", scenario: "morning-rush", body: {} });
    expect(parseStressCommand(["menu-sync", "--target", "0.7"], env)).toMatchObject({ kind: "gateway-run", scenario: "menu-sync", servicePath: "/api/menu" });
    expect(parseStressCommand(["menu-sync", "--in-process"], env)).toEqual({ kind: "cpu-run", scenario: "menu-sync", body: {} });
  });

  it("runs batch-calculation as a fixed batch with --records and as a CPU-target run without", () => {
    expect(parseStressCommand(["batch-calculation", "--records", "1000"], {})).toEqual({ kind: "batch", records: 1000 });
    expect(parseStressCommand(["batch-calculation", "--target", "0.3"], {})).toEqual({ kind: "cpu-run", scenario: "batch-calculation", body: { targetCpu: 0.3 } });
  });

  it("runs the avalanche on the payment processor's Lambda entry unless PAYMENT_HANDLER_MODULE names another", () => {
    const command = parseStressCommand(["cold-start-avalanche", "--invocations", "4"], {});
    expect(command).toMatchObject({ kind: "cold-start-avalanche", request: { invocations: 4, concurrency: 20 } });
    expect(command.kind === "cold-start-avalanche" && command.handlerModule).toMatch(/\/functions\/payment\/src\/lambda\.ts$/);
    expect(parseStressCommand(["cold-start-avalanche"], { PAYMENT_HANDLER_MODULE: "file:///other.ts" })).toMatchObject({ handlerModule: "file:///other.ts" });
  });

  it("points the query storm at the local Data API stand-in when no endpoint is configured, without touching process.env", () => {
    const before = { ...process.env };
    const command = parseStressCommand(["query-storm", "--queries", "2"], { CLOUDCAFE_REDSHIFT_DATA_PORT: "4999", AWS_REGION: "eu-west-1" });
    expect(command).toEqual({
      kind: "query-storm",
      warehouse: { workgroupName: "cloudcafe-local-analytics", database: expect.any(String) },
      connection: { endpoint: "http://127.0.0.1:4999", region: "eu-west-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
      request: { queries: 2, concurrency: 10, rowsPerQuery: 100_000, tableRows: 1_000_000 },
    });
    expect(process.env).toEqual(before);
  });

  it("leaves the Data API connection to the SDK when the environment names an endpoint", () => {
    const command = parseStressCommand(["query-storm"], { AWS_ENDPOINT_URL_REDSHIFT_DATA: "http://127.0.0.1:4568", ANALYTICS_WORKGROUP_NAME: "wg", ANALYTICS_DATABASE_NAME: "db" });
    expect(command).toMatchObject({ kind: "query-storm", warehouse: { workgroupName: "wg", database: "db" } });
    expect(command).not.toHaveProperty("connection");
  });

  it("refuses an unknown scenario with the usage line, and bad values through the scenario's schema", () => {
    expect(() => parseStressCommand(["espresso-storm"], {})).toThrow(/Usage: npm run stress -- <morning-rush\|/);
    expect(() => parseStressCommand(["restock", "--target", "1.5"], {})).toThrow(/targetCpu/);
  });
});

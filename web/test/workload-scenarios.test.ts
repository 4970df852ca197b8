import { describe, expect, it } from "vitest";
import { coldStartRequest, deployedColdStartRequest, queryStormRequest } from "@cloudcafe/stress";
import { parseStressCommand } from "@cloudcafe/stress/command";
import { checkWorkloadForm, consoleWorkloadScenarios, workloadCommands } from "../src/stress/workload-scenarios.ts";

/** The command line as a shell would split it (the commands hold no quoted spaces). */
const argv = (command: string) => command.replace(/^npm run stress -- /, "").split(" ");

describe("the Lambda stress scenarios in the console", () => {
  it("offers both with the parameters, caps and defaults their functions apply", () => {
    expect(consoleWorkloadScenarios.map((scenario) => scenario.name)).toEqual(["cold-start-avalanche", "query-storm"]);
    const defaults = (name: string) =>
      Object.fromEntries(consoleWorkloadScenarios.find((scenario) => scenario.name === name)!.parameters.map((parameter) => [parameter.field, parameter.default]));
    // The form's defaults are what the schemas fill in for an empty event.
    expect(defaults("cold-start-avalanche")).toEqual({ invocations: 200, concurrency: 20, initDelayMs: 3000, fraudRounds: 2000 });
    expect(coldStartRequest.parse({})).toMatchObject(defaults("cold-start-avalanche"));
    expect(queryStormRequest.parse({})).toEqual(defaults("query-storm"));
  });

  it("refuses, by field, what the schemas refuse", () => {
    const storm = { queries: 50, concurrency: 10, rowsPerQuery: 100_000, tableRows: 1_000_000 };
    expect(checkWorkloadForm("query-storm", storm)).toEqual({ ok: true, request: storm });
    for (const [field, value] of [["queries", 0], ["queries", 5_001], ["concurrency", 1.5], ["tableRows", Number.NaN]] as const) {
      const check = checkWorkloadForm("query-storm", { ...storm, [field]: value });
      expect(check).toMatchObject({ ok: false, field });
      expect(queryStormRequest.safeParse({ ...storm, [field]: value }).success).toBe(false);
    }
    expect(checkWorkloadForm("query-storm", { ...storm, rowsPerQuery: 2_000_000 })).toMatchObject({ ok: false, field: "rowsPerQuery" });
    expect(checkWorkloadForm("cold-start-avalanche", { invocations: 200, concurrency: 1_001, initDelayMs: 0, fraudRounds: 0 })).toMatchObject({ ok: false, field: "concurrency", reason: "Concurrency must be a whole number from 1 to 1,000" });
    expect(checkWorkloadForm("morning-rush", {})).toMatchObject({ ok: false, field: "scenario" });
  });

  it("builds the command the stress CLI reads back as the same request, and an event the deployed function accepts", () => {
    const storm = { queries: 5, concurrency: 2, rowsPerQuery: 1_000, tableRows: 10_000 };
    const stormCommands = workloadCommands("query-storm", storm);
    expect(stormCommands.local).toBe("npm run stress -- query-storm --queries 5 --concurrency 2 --rows-per-query 1000 --table-rows 10000");
    expect(parseStressCommand(argv(stormCommands.local), {})).toMatchObject({ kind: "query-storm", request: storm });
    expect(queryStormRequest.parse(stormCommands.event)).toEqual(storm);

    const avalanche = { invocations: 40, concurrency: 8, initDelayMs: 500, fraudRounds: 100 };
    const avalancheCommands = workloadCommands("cold-start-avalanche", avalanche);
    expect(parseStressCommand(argv(avalancheCommands.local), {})).toMatchObject({ kind: "cold-start-avalanche", request: avalanche });
    // The deployed function takes only the load: its init delay and fraud rounds are its own.
    expect(avalancheCommands.event).toEqual({ invocations: 40, concurrency: 8 });
    expect(deployedColdStartRequest.parse(avalancheCommands.event)).toEqual({ invocations: 40, concurrency: 8 });
    expect(avalancheCommands.invoke).toBe(
      `aws lambda invoke --function-name cloudcafe-<stage>-stress-cold-start-avalanche --cli-binary-format raw-in-base64-out --cli-read-timeout 900 --payload '{"invocations":40,"concurrency":8}' report.json`,
    );
  });
});

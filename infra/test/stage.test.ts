import { describe, expect, it } from "vitest";
import { tables } from "@cloudcafe/catalog";
import { snapshotCommands } from "../scripts/pre-deploy-snapshots.ts";
import {
  ACCOUNT_BASELINE_VARIABLE,
  appSettings,
  DOMAIN_VARIABLE,
  MAX_STAGE_NAME_LENGTH,
  PAYMENT_CONCURRENCY_VARIABLE,
  PROFILE_VARIABLE,
  stageDomain,
  stageSettings,
} from "../stage.ts";

describe("the stage's domain (CLOUDCAFE_DOMAIN, read when the program runs)", () => {
  it("serves production at the hosted zone's apex and every other stage under <stage>.<zone>", () => {
    expect(stageDomain("production", { [DOMAIN_VARIABLE]: "cafe.example.org" })).toEqual({
      zone: "cafe.example.org",
      name: "cafe.example.org",
    });
    expect(stageDomain("dev", { [DOMAIN_VARIABLE]: "cafe.example.org" })).toEqual({
      zone: "cafe.example.org",
      name: "dev.cafe.example.org",
    });
    expect(stageSettings("alice", { [DOMAIN_VARIABLE]: "cafe.example.org" }).domain?.name).toBe("alice.cafe.example.org");
  });

  it("accepts the zone the way Route 53 prints it (trailing dot, any case, surrounding spaces)", () => {
    expect(stageDomain("production", { [DOMAIN_VARIABLE]: " Cafe.Example.ORG. " })?.zone).toBe("cafe.example.org");
  });

  it("builds a stage without it, on CloudFront's and API Gateway's own domains", () => {
    for (const env of [{}, { [DOMAIN_VARIABLE]: "" }, { [DOMAIN_VARIABLE]: "   " }]) {
      expect(stageSettings("dev", env).domain).toBeUndefined();
      expect(stageSettings("production", env).domain).toBeUndefined();
    }
  });

  it("refuses what is not a domain name, or a stage name that cannot be a DNS label", () => {
    for (const zone of ["localhost", "cafe..example.org", "-cafe.example.org", "https://cafe.example.org", "cafe_example.org"]) {
      expect(() => stageDomain("production", { [DOMAIN_VARIABLE]: zone })).toThrow(/^CLOUDCAFE_DOMAIN=".*" is not a domain name/);
    }
    expect(() => stageDomain("my_stage", { [DOMAIN_VARIABLE]: "cafe.example.org" })).toThrow(/stage "my_stage" cannot be a DNS label/);
  });

  it("is not needed by the app() block, which every CLI command (sst secret set too) evaluates", () => {
    expect(() => appSettings("dev")).not.toThrow();
    expect(appSettings("production")).toMatchObject({ removal: "retain", protect: true });
  });
});

describe("stage profiles and account-level settings", () => {
  it("makes every stage but production lean unless asked for the full profile; production is always full", () => {
    expect(stageSettings("dev", {})).toMatchObject({ profile: "lean", includes: { eks: false, documentDb: false, memoryDb: false, redshift: false } });
    expect(stageSettings("alice", { [PROFILE_VARIABLE]: "full" })).toMatchObject({ profile: "full", includes: { eks: true, redshift: true } });
    expect(stageSettings("production", {})).toMatchObject({ profile: "full", orderMinTasks: 2 });
    expect(() => stageSettings("production", { [PROFILE_VARIABLE]: "lean" })).toThrow(/production keeps the full architecture/);
    expect(() => stageSettings("dev", { [PROFILE_VARIABLE]: "tiny" })).toThrow(/CLOUDCAFE_PROFILE="tiny" is not a profile/);
  });

  it("lets one stage per account make the audit and Config baseline: production by default, or as told", () => {
    expect(stageSettings("production", {}).accountBaseline).toBe("create");
    expect(stageSettings("dev", {}).accountBaseline).toBe("none");
    expect(stageSettings("dev", { [ACCOUNT_BASELINE_VARIABLE]: "create" }).accountBaseline).toBe("create");
    expect(stageSettings("production", { [ACCOUNT_BASELINE_VARIABLE]: "existing" }).accountBaseline).toBe("existing");
    expect(() => stageSettings("dev", { [ACCOUNT_BASELINE_VARIABLE]: "maybe" })).toThrow(/is not one of create, existing, none/);
  });

  it("reserves payment concurrency in production only, unless a stage is given a number", () => {
    expect(stageSettings("production", {}).paymentReservedConcurrency).toBe(100);
    expect(stageSettings("dev", {}).paymentReservedConcurrency).toBeUndefined();
    expect(stageSettings("dev", { [PAYMENT_CONCURRENCY_VARIABLE]: "20" }).paymentReservedConcurrency).toBe(20);
    expect(stageSettings("production", { [PAYMENT_CONCURRENCY_VARIABLE]: "0" }).paymentReservedConcurrency).toBeUndefined();
  });

  it(`refuses stage names longer than ${MAX_STAGE_NAME_LENGTH} characters, which would break AWS's name limits`, () => {
    expect(() => stageSettings("s".repeat(MAX_STAGE_NAME_LENGTH), {})).not.toThrow();
    expect(() => stageSettings("s".repeat(MAX_STAGE_NAME_LENGTH + 1), {})).toThrow(/longer than 18 characters/);
  });
});

describe("the snapshot step before a production deploy (npm run deploy:production)", () => {
  it("snapshots Aurora, DocumentDB, every DynamoDB table and the warehouse under the program's names, then waits for Aurora", () => {
    const commands = snapshotCommands("production", "20261202-0400");
    const label = "pre-deploy-20261202-0400";
    expect(commands.map((c) => `${c[0]} ${c[1]} ${c.at(-1)}`)).toEqual([
      `rds create-db-cluster-snapshot cloudcafe-production-aurora-${label}`,
      `docdb create-db-cluster-snapshot cloudcafe-production-docdb-${label}`,
      ...Object.values(tables).map((t) => `dynamodb create-backup cloudcafe-production-${t.name}-${label}`),
      `redshift-serverless create-snapshot cloudcafe-production-analytics-${label}`,
      `rds wait cloudcafe-production-aurora-${label}`,
    ]);
    expect(commands.slice(0, 2).map((c) => c[3])).toEqual(["cloudcafe-production-aurora", "cloudcafe-production-docdb"]);
  });
});

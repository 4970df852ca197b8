import { describe, expect, it } from "vitest";
import { appSettings, DOMAIN_VARIABLE, stageDomain, stageSettings } from "../stage.ts";

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
    expect(stageSettings("alice", { [DOMAIN_VARIABLE]: "cafe.example.org" }).domain.name).toBe("alice.cafe.example.org");
  });

  it("accepts the zone the way Route 53 prints it (trailing dot, any case, surrounding spaces)", () => {
    expect(stageDomain("production", { [DOMAIN_VARIABLE]: " Cafe.Example.ORG. " }).zone).toBe("cafe.example.org");
  });

  it("refuses to build a stage without it, naming the variable", () => {
    for (const env of [{}, { [DOMAIN_VARIABLE]: "" }, { [DOMAIN_VARIABLE]: "   " }]) {
      expect(() => stageSettings("dev", env)).toThrow(/^CLOUDCAFE_DOMAIN is not set: .*Route 53 hosted zone/);
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

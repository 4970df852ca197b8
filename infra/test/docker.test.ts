import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTAINER_SERVICE_DOCKERFILE, ORDER_SERVER_ENTRY } from "../compute-order.ts";
import { EC2_SERVICE_DOCKERFILE } from "../compute-ec2.ts";
import { MENU_SERVER_ENTRY, RDS_CA_BUNDLE_PATH } from "../compute-eks.ts";
import { rootDir } from "../offline/paths.ts";

/** Sources of `COPY` lines that copy from the build context (not from another stage). */
function contextCopies(dockerfile: string): string[] {
  return readFileSync(path.join(rootDir, dockerfile), "utf8")
    .split("\n")
    .filter((line) => /^COPY\s/.test(line) && !line.includes("--from="))
    .flatMap((line) => line.trim().split(/\s+/).slice(1, -1));
}

describe("Dockerfiles (no Docker engine here: checked for what they reference)", () => {
  for (const dockerfile of [CONTAINER_SERVICE_DOCKERFILE, EC2_SERVICE_DOCKERFILE]) {
    it(`${dockerfile} copies only paths that exist in the repository`, () => {
      const sources = contextCopies(dockerfile);
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.filter((source) => !existsSync(path.join(rootDir, source)))).toEqual([]);
    });
  }

  it("builds the order and menu images from their server entries", () => {
    const text = readFileSync(path.join(rootDir, CONTAINER_SERVICE_DOCKERFILE), "utf8");
    const entryTemplate = "functions/${SERVICE}/src/server.ts";
    expect(text).toContain(entryTemplate);
    expect(entryTemplate.replace("${SERVICE}", "order")).toBe(ORDER_SERVER_ENTRY);
    expect(entryTemplate.replace("${SERVICE}", "menu")).toBe(MENU_SERVER_ENTRY);
    for (const entry of [ORDER_SERVER_ENTRY, MENU_SERVER_ENTRY]) expect(existsSync(path.join(rootDir, entry))).toBe(true);
  });

  it("carries the RDS CA bundle where the Menu service's DocumentDB TLS reads it", () => {
    const text = readFileSync(path.join(rootDir, CONTAINER_SERVICE_DOCKERFILE), "utf8");
    expect(text).toMatch(new RegExp(`^ADD .*global-bundle\\.pem ${RDS_CA_BUNDLE_PATH}$`, "m"));
  });

  it("keeps node_modules and SST state out of the build context", () => {
    const ignored = readFileSync(path.join(rootDir, ".dockerignore"), "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["**/node_modules", ".sst", ".git"]));
  });
});

/**
 * The menu's DocumentDB idle close is off unless its setting is given (deployed: absent), and a bad value is refused
 * at start with the setting's name, not turned into a client that never or always closes.
 */
import { describe, expect, it } from "vitest";
import { localMenuSettings } from "@cloudcafe/local/process/local-menu-settings";
import { loadMenuServiceConfig } from "../src/config.ts";

const documentDbStore = (env: NodeJS.ProcessEnv) => {
  const { store } = loadMenuServiceConfig({ ...process.env, MENU_STORE: "documentdb", ...env });
  if (store.kind !== "documentdb") throw new Error("expected the DocumentDB store");
  return store;
};

describe("DOCUMENTDB_IDLE_CLOSE_SECONDS", () => {
  it("is off when absent, as deployed", () => {
    expect(documentDbStore({ DOCUMENTDB_IDLE_CLOSE_SECONDS: undefined }).idleCloseSeconds).toBeUndefined();
  });

  it("is what npm start sets (60 s unless the environment says otherwise)", () => {
    expect(localMenuSettings({})).toEqual({ DOCUMENTDB_IDLE_CLOSE_SECONDS: "60" });
    expect(localMenuSettings({ DOCUMENTDB_IDLE_CLOSE_SECONDS: "5" })).toEqual({ DOCUMENTDB_IDLE_CLOSE_SECONDS: "5" });
    expect(documentDbStore(localMenuSettings({})).idleCloseSeconds).toBe(60);
  });

  it("refuses a value that is not a whole number of seconds from 1", () => {
    for (const bad of ["0", "-5", "1.5", "soon"]) {
      expect(() => documentDbStore({ DOCUMENTDB_IDLE_CLOSE_SECONDS: bad })).toThrow(/DOCUMENTDB_IDLE_CLOSE_SECONDS/);
    }
  });
});

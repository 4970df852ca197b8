import { describe, expect, it } from "vitest";
import { createDocumentDb } from "../src/documentdb/client.ts";
import type { RotatingPassword } from "../src/aws/rotating-password.ts";

/** A rotated secret: `current` is what Secrets Manager holds now; reads are counted, invalidations recorded. */
function rotatedSecret(current: { value: string }) {
  const reads: string[] = [];
  let invalidated = 0;
  const password = Object.assign(async () => (reads.push(current.value), current.value), { invalidate: () => void invalidated++ }) as RotatingPassword;
  return { password, reads, invalidations: () => invalidated };
}

/** What the driver throws when a new connection's SCRAM handshake is refused. */
const authenticationFailed = () => Object.assign(new Error("Authentication failed."), { code: 18 });

describe("DocumentDB client and the rotated master password", () => {
  it("reads the password again and retries once on a new client when a new connection is refused for its credentials", async () => {
    const secret = { value: "before-rotation" };
    const { password, reads, invalidations } = rotatedSecret(secret);
    // No server is contacted: the work below fails the way a refused handshake does, then succeeds.
    const documents = createDocumentDb({ url: "mongodb://127.0.0.1:1/menu", database: "menu", username: "cloudcafe", password });
    let attempts = 0;
    const answer = await documents.run(async (db) => {
      attempts += 1;
      if (attempts === 1) {
        secret.value = "after-rotation";
        throw authenticationFailed();
      }
      return db.databaseName;
    });
    expect(answer).toBe("menu");
    expect(attempts).toBe(2);
    expect(reads).toEqual(["before-rotation", "after-rotation"]);
    expect(invalidations()).toBe(1);
    await documents.close();
  });

  it("passes on every other failure as it is, without reading the password again", async () => {
    const { password, reads } = rotatedSecret({ value: "current" });
    const documents = createDocumentDb({ url: "mongodb://127.0.0.1:1/menu", database: "menu", username: "cloudcafe", password });
    const duplicate = Object.assign(new Error("E11000 duplicate key"), { code: 11000 });
    await expect(documents.run(async () => Promise.reject(duplicate))).rejects.toBe(duplicate);
    expect(reads).toEqual(["current"]);
    await documents.close();
  });
});

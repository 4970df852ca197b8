import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { latticeRequestSigner } from "../src/aws/sigv4-request-signer.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const at = new Date("2026-12-02T08:00:00Z");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** The signature SigV4 defines ("Create a signed AWS API request", IAM User Guide), computed independently here. */
function expectedSignature(method: string, url: URL, headers: Record<string, string>, signed: string[]): string {
  const canonicalHeaders = signed.map((name) => `${name}:${headers[name]!.trim()}\n`).join("");
  const canonical = [method, url.pathname, "", canonicalHeaders, signed.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const scope = "20261202/us-east-1/vpc-lattice-svcs/aws4_request";
  const toSign = ["AWS4-HMAC-SHA256", "20261202T080000Z", scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${credentials.secretAccessKey}`, "20261202");
  for (const part of ["us-east-1", "vpc-lattice-svcs", "aws4_request"]) key = hmac(key, part);
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("SigV4 for VPC Lattice", () => {
  it("signs for vpc-lattice-svcs with an unsigned payload, as Lattice requires, and keeps the body", async () => {
    const sign = latticeRequestSigner("us-east-1", { credentials, clock: () => at });
    const body = JSON.stringify({ orderId: "ord_1" });
    const signed = await sign(
      new Request("http://inventory-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws/internal/reservations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
    expect(await signed.text()).toBe(body);
    expect(signed.headers.get("x-amz-content-sha256")).toBe("UNSIGNED-PAYLOAD");
    const authorization = signed.headers.get("authorization")!;
    const [, credential, signedHeaders, signature] = authorization.match(/^AWS4-HMAC-SHA256 Credential=(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]{64})$/)!;
    expect(credential).toBe("AKIDEXAMPLE/20261202/us-east-1/vpc-lattice-svcs/aws4_request");
    const url = new URL(signed.url);
    const headers: Record<string, string> = { host: url.host };
    signed.headers.forEach((value, name) => {
      headers[name] = value;
    });
    expect(signature).toBe(expectedSignature("POST", url, headers, signedHeaders!.split(";")));
  });
});

describe("MemoryDB's IAM token", () => {
  it("is a presigned connect for the cluster and user, valid 15 minutes, without its scheme", async () => {
    const { presignedToken } = await import("../src/aws/sigv4-request-signer.ts");
    const token = await presignedToken({
      service: "memorydb",
      region: "us-east-1",
      host: "cloudcafe-dev-memorydb",
      query: { Action: "connect", User: "cloudcafe-dev-inventory" },
      expiresInSeconds: 900,
      credentials,
      clock: () => at,
    });
    const url = new URL(`http://${token}`);
    expect(url.host).toBe("cloudcafe-dev-memorydb");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: "connect",
      User: "cloudcafe-dev-inventory",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKIDEXAMPLE/20261202/us-east-1/memorydb/aws4_request",
      "X-Amz-Date": "20261202T080000Z",
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

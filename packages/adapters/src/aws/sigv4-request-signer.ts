import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) => (typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";

/** SHA-256 (or HMAC-SHA-256 with a key) from node:crypto, in the shape the SigV4 signer hashes with. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * Signs HTTP requests with SigV4 for a service behind VPC Lattice with IAM auth (`vpc-lattice-svcs`), with the
 * process's AWS credentials (a task or pod role). Lattice does not sign payloads: the request carries
 * `x-amz-content-sha256: UNSIGNED-PAYLOAD` ("SIGv4 authenticated requests for Amazon VPC Lattice").
 */
export function latticeRequestSigner(region: string, options: { credentials?: AwsCredentialIdentity; clock?: () => Date } = {}) {
  const credentials = options.credentials ?? defaultProvider();
  const signer = new SignatureV4({ service: "vpc-lattice-svcs", region, credentials, sha256: NodeSha256, applyChecksum: false });
  return async (request: Request): Promise<Request> => {
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
    const headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        ...(body === undefined ? {} : { body }),
      },
      { unsignableHeaders: new Set(["content-length"]), ...(options.clock ? { signingDate: options.clock() } : {}) },
    );
    const { host: _host, ...sendable } = signed.headers;
    return new Request(request.url, { method: request.method, headers: sendable, ...(body === undefined ? {} : { body }) });
  };
}

/**
 * An IAM authentication token: a SigV4-presigned GET of `http://<host>/?<query>`, without its scheme (the form
 * MemoryDB and ElastiCache take as the AUTH password).
 */
export async function presignedToken(options: {
  service: string;
  region: string;
  host: string;
  query: Record<string, string>;
  expiresInSeconds: number;
  credentials?: AwsCredentialIdentity;
  clock?: () => Date;
}): Promise<string> {
  const signer = new SignatureV4({ service: options.service, region: options.region, credentials: options.credentials ?? defaultProvider(), sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.presign(
    { method: "GET", protocol: "http:", hostname: options.host, path: "/", query: options.query, headers: { host: options.host } },
    { expiresIn: options.expiresInSeconds, ...(options.clock ? { signingDate: options.clock() } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join("&");
  return `${options.host}/?${query}`;
}

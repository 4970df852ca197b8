/**
 * Runs the CloudCafe SST program under Pulumi mocks, the way `sst deploy` would run it but without AWS.
 *
 * The SST CLI normally (1) injects the `$app`, `$dev`, `$cli`, `sst`, `aws`, `$util`... globals, (2) runs the
 * program inside a Pulumi stack and (3) answers the components' RPC calls (function builds, bootstrap lookups).
 * This module does the same three things with the unpacked platform in `.sst/platform` (see
 * infra/scripts/prepare-platform.sh), so the real SST component code creates the real AWS resources and the mock
 * monitor records every one of them.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { rootDir, platformDir } from "./paths.ts";
import { ACCOUNT_BASELINE_VARIABLE, appSettings, DOMAIN_VARIABLE, PAYMENT_CONCURRENCY_VARIABLE, PROFILE_VARIABLE } from "../stage.ts";

export interface MockedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** The provider reference (`urn:...::<provider name>::<id>`) when the resource names one (the replica region). */
  readonly provider?: string;
}

/** A data-source lookup the program made (`aws.ssm.getParameter`, `aws.ec2.getManagedPrefixList`, ...). */
export interface MockedCall {
  readonly token: string;
  readonly inputs: Record<string, any>;
}

export interface Synthesis {
  readonly stage: string;
  readonly resources: readonly MockedResource[];
  /** Handlers the program asked SST to build, as `path/to/file` + `.export`. */
  readonly builtHandlers: readonly string[];
  /** Handlers whose source file does not exist (SST would fail the build; here they are reported, not thrown). */
  readonly missingHandlers: readonly string[];
  /** The names of the links each function was built with, by SST function name (`PaymentProcessor`). */
  readonly linksByFunction: Readonly<Record<string, readonly string[]>>;
  readonly calls: readonly MockedCall[];
  readonly outputs: Record<string, unknown>;
  /** The names of the resources each resource was given in `dependsOn` (given as resources, not as outputs), by name. */
  readonly dependsOn: Readonly<Record<string, readonly string[]>>;
}

const ACCOUNT_ID = "123456789012";
const REGION = "us-east-1";
/** The hosted zone the offline runs with a domain deploy under (`CLOUDCAFE_DOMAIN` of a real deploy). */
export const OFFLINE_DOMAIN = "cloudcafe.example.com";

/** What the mocked lookups answer, so tests can tell which prefix list or parameter a value came from. */
export const mockPrefixListId = (name: string) => `pl-${name.replace(/[^a-z0-9]/gi, "")}`;
/** The region's default minor version of an engine major, as the mocked lookup answers it. */
export const mockEngineVersion = (major: string) => `${major}.0-default`;
export const mockParameterValue = (name: string) =>
  `arn:aws:lambda:${REGION}:000000000000:layer:${name.split("/").filter(Boolean).join("-")}:1`;

function importPlatform<T = any>(relativePath: string): Promise<T> {
  return import(pathToFileURL(path.join(platformDir, relativePath)).href);
}

/** What the mock provider returns for a created resource: its inputs plus the attributes components read back. */
function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  const arn = `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${name}`;
  return {
    ...inputs,
    arn,
    name: inputs.name ?? name,
    url: `https://${name}.example.com`,
    dnsName: `${name}.elb.amazonaws.com`,
    zoneId: "Z000000000000",
    endpoint: `${name}.cluster.amazonaws.com`,
    readerEndpoint: `${name}.cluster-ro.amazonaws.com`,
    port: inputs.port ?? 5432,
    executionArn: arn,
    invokeArn: `${arn}/invocations`,
    streamArn: inputs.streamEnabled ? `${arn}/stream/2026` : undefined,
    primaryEndpointAddress: `${name}.cache.amazonaws.com`,
    clusterEndpoints: [{ address: `clustercfg.${name}.memorydb.amazonaws.com`, port: 6379 }],
    dnsEntries: [{ domainName: `${name}.vpc-lattice-svcs.us-east-1.on.aws`, hostedZoneId: "Z000000000000" }],
    repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
    ref: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/${name}@sha256:0`,
    digest: "sha256:0",
    domainName: `${name}.cloudfront.net`,
    hostedZoneId: "Z2FDTNDATAQYW2",
    masterUserSecrets: [{ secretArn: `${arn}-secret` }],
    arnSuffix: `app/${name}/0`,
    latestVersion: 1,
    keyId: `${name}-key`,
    fqdn: `${name}.example.com`,
    certificateArn: arn,
    clusterId: inputs.replicationGroupId ?? name,
    bucketRegionalDomainName: `${name}.s3.${REGION}.amazonaws.com`,
    domainValidationOptions: [
      { domainName: inputs.domainName, resourceRecordName: `_x.${inputs.domainName}`, resourceRecordType: "CNAME", resourceRecordValue: "_y.acm-validations.aws" },
    ],
  };
}

/** Renders `aws.iam.getPolicyDocument` the way AWS does, so policy assertions see SST's real statements. */
function policyDocumentJson(inputs: { statements?: any[] }): string {
  const statements = (inputs.statements ?? []).map((st) => ({
    Effect: st.effect ?? "Allow",
    ...(st.actions ? { Action: st.actions } : {}),
    ...(st.notActions ? { NotAction: st.notActions } : {}),
    ...(st.resources ? { Resource: st.resources } : {}),
    ...(st.principals ? { Principal: st.principals } : {}),
    ...(st.conditions?.length ? { Condition: policyConditions(st.conditions) } : {}),
  }));
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function policyConditions(conditions: { test: string; variable: string; values: string[] }[]) {
  const rendered: Record<string, Record<string, string[]>> = {};
  for (const { test, variable, values } of conditions) (rendered[test] ??= {})[variable] = values;
  return rendered;
}

function mockCall(token: string, inputs: Record<string, any>): Record<string, any> {
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`, userId: "test" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["us-east-1a", "us-east-1b", "us-east-1c"], zoneIds: ["use1-az1", "use1-az2", "use1-az4"] };
    case "aws:route53/getZone:getZone":
      // The account holds one hosted zone, the operator's; a lookup of any other name fails as it would in AWS.
      if (inputs.name !== undefined && inputs.name !== OFFLINE_DOMAIN) throw new Error(`no Route 53 hosted zone named ${inputs.name}`);
      return { zoneId: "Z0CLOUDCAFE", name: OFFLINE_DOMAIN, id: "Z0CLOUDCAFE" };
    case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
      return { id: mockPrefixListId(inputs.name), name: inputs.name, addressFamily: "IPv4" };
    case "aws:ssm/getParameter:getParameter":
      return { name: inputs.name, type: "String", value: mockParameterValue(inputs.name), insecureValue: mockParameterValue(inputs.name) };
    case "aws:rds/getEngineVersion:getEngineVersion":
      return { engine: inputs.engine, version: inputs.version, versionActual: mockEngineVersion(inputs.version), parameterGroupFamily: `${inputs.engine}${inputs.version}` };
    case "aws:secretsmanager/getRandomPassword:getRandomPassword":
      return { randomPassword: "offline-generated-password", id: "random" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { json: policyDocumentJson(inputs), statements: inputs.statements };
    case "aws:iam/getSessionContext:getSessionContext":
      // The deploying principal is an IAM user here, so the issuer is the caller itself.
      return { arn: inputs.arn, issuerArn: inputs.arn, issuerId: "test", issuerName: "test" };
    case "aws:lb/getListenerRule:getListenerRule":
      // The rule the listener holds at that priority (the order service's, created by its ECS service).
      return { ...inputs, arn: `${inputs.listenerArn}`.replace(":listener/", ":listener-rule/") + `/rule-${inputs.priority}` };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { userName: "AWS", password: "ecr-token", proxyEndpoint: `https://${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com` };
    default:
      return {};
  }
}

/**
 * Stands in for the SST CLI's RPC server. `Runtime.Build` is where the CLI would bundle a handler: here it records the
 * handler and whether its file exists, then returns a stub bundle directory for SST to zip.
 */
async function startCliRpc(
  workDir: string,
  builtHandlers: string[],
  missingHandlers: string[],
  linksByFunction: Record<string, string[]>,
): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const { method, params } = JSON.parse(body) as { method: string; params: any[] };
      const input = params[0] ?? {};
      let result: unknown;
      let error: string | null = null;
      if (method === "Runtime.Build") {
        const handler: string = input.handler;
        const file = handler.slice(0, handler.lastIndexOf("."));
        const source = [".ts", ".js"].map((ext) => file + ext).find((f) => existsSync(path.join(rootDir, f)));
        (source ? builtHandlers : missingHandlers).push(handler);
        linksByFunction[input.functionID] = Object.keys(input.links ?? {}).sort();
        const out = path.join(workDir, "artifacts", input.functionID);
        mkdirSync(out, { recursive: true });
        writeFileSync(path.join(out, "index.mjs"), "export const handler = () => {};\n");
        result = { handler: "index.handler", out, errors: [], sourcemaps: [] };
      } else if (method === "Runtime.AddTarget") {
        // `sst dev` registers each function to run locally; nothing to build.
        result = {};
      } else if (method === "Provider.Aws.Appsync") {
        // The live-Lambda bridge's endpoints in `sst dev`.
        result = { http: "appsync.example.com", realtime: "appsync-realtime.example.com" };
      } else if (method === "Provider.Aws.Bootstrap") {
        result = {
          asset: "sst-asset-bucket",
          assetEcrRegistryId: ACCOUNT_ID,
          assetEcrUrl: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
          state: "sst-state-bucket",
          appsyncHttp: "",
          appsyncRealtime: "",
        };
      } else {
        error = `rpc: can't find method ${method}`;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: 0, result, error }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function installGlobals(stage: string, dev: boolean, workDir: string, rpcUrl: string): Promise<void> {
  const pulumi = await importPlatform("node_modules/@pulumi/pulumi/index.js");
  const aws = await importPlatform("node_modules/@pulumi/aws/index.js");
  const kubernetes = await importPlatform("node_modules/@pulumi/kubernetes/index.js");
  const dockerbuild = await importPlatform("node_modules/@pulumi/docker-build/index.js");
  const settings = appSettings(stage);
  const g = globalThis as any;
  g.$app = {
    name: settings.name,
    stage,
    removal: settings.removal,
    protect: settings.protect,
    providers: settings.providers,
  };
  g.$dev = dev;
  g.$cli = {
    command: dev ? "dev" : "deploy",
    rpc: rpcUrl,
    paths: { home: workDir, root: rootDir, work: workDir, platform: platformDir },
    state: { version: {} },
  };
  g.$util = pulumi;
  g.$output = pulumi.output;
  g.$apply = pulumi.apply;
  g.$resolve = pulumi.all;
  g.$interpolate = pulumi.interpolate;
  g.$concat = pulumi.concat;
  g.$jsonParse = pulumi.jsonParse;
  g.$jsonStringify = pulumi.jsonStringify;
  g.$secrets = {};
  g.aws = aws;
  g.kubernetes = kubernetes;
  g.dockerbuild = dockerbuild;
  const component = await importPlatform("src/components/component.ts");
  g.$transform = component.$transform;
  g.$asset = component.$asset;
  const link = await importPlatform("src/components/link.ts");
  g.$linkable = link.Link.makeLinkable;
  g.sst = await importPlatform("src/components/index.ts");
}

/** The operator's variables the program reads (stage.ts); a synthesis sets exactly the ones it is given. */
const OPERATOR_VARIABLES = [DOMAIN_VARIABLE, PROFILE_VARIABLE, ACCOUNT_BASELINE_VARIABLE, PAYMENT_CONCURRENCY_VARIABLE];

/**
 * Instantiates the whole CloudCafe program for `stage` (as `sst deploy` would, or as `sst dev` would with `dev`) and
 * returns every resource it registered. `env` holds the operator's variables (`CLOUDCAFE_DOMAIN=...`), none by default.
 */
export async function synthesize(
  stage: string,
  { dev = false, env = {} }: { dev?: boolean; env?: Readonly<Record<string, string>> } = {},
): Promise<Synthesis> {
  if (!existsSync(path.join(platformDir, "version"))) {
    throw new Error("The SST platform is not unpacked: run infra/scripts/prepare-platform.sh first.");
  }
  const workDir = path.join(rootDir, ".sst", "test-work", stage);
  mkdirSync(workDir, { recursive: true });
  const builtHandlers: string[] = [];
  const missingHandlers: string[] = [];
  const linksByFunction: Record<string, string[]> = {};
  const rpc = await startCliRpc(workDir, builtHandlers, missingHandlers, linksByFunction);
  const rpcUrl = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;
  process.env.SST_SERVER = rpcUrl;
  // `sst secret set OperatorToken ...` in a real stage.
  process.env.SST_SECRET_OperatorToken = "test-operator-token";
  for (const name of OPERATOR_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    const pulumi = await importPlatform("node_modules/@pulumi/pulumi/index.js");
    const resources: MockedResource[] = [];
    const calls: MockedCall[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource(args: { type: string; name: string; inputs: Record<string, any>; provider?: string }) {
          resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
          return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
        },
        call(args: { token: string; inputs: Record<string, any> }) {
          calls.push({ token: args.token, inputs: args.inputs });
          return mockCall(args.token, args.inputs);
        },
      },
      "cloudcafe",
      stage,
      false,
    );
    await installGlobals(stage, dev, workDir, rpcUrl);
    const { cloudCafe } = await import("../index.ts");
    const dependsOn: Record<string, string[]> = {};
    const outputs =
      (await pulumi.runtime.runInPulumiStack(() => {
        // Mocks see inputs only; a stack transformation sees each resource's options, so ordering can be asserted.
        pulumi.runtime.registerStackTransformation((args: { name: string; opts: { dependsOn?: unknown } }) => {
          const given = args.opts.dependsOn;
          const names = (Array.isArray(given) ? given : given ? [given] : [])
            .map((dependency: any) => dependency?.__name as string | undefined)
            .filter((name): name is string => typeof name === "string");
          if (names.length > 0) dependsOn[args.name] = [...(dependsOn[args.name] ?? []), ...names];
          return undefined;
        });
        return cloudCafe();
      })) ?? {};
    // Resources created inside `apply` callbacks register later; wait until the RPC queue has drained.
    await pulumi.runtime.disconnect();
    return { stage, resources, builtHandlers, missingHandlers, linksByFunction, calls, outputs, dependsOn };
  } finally {
    rpc.close();
  }
}

/**
 * The AWS constraints the program relies on, one test each, asserted on what the program creates for one stage under
 * Pulumi mocks. Each test names the AWS document the constraint comes from: when AWS changes a rule, the test to
 * revisit is the one citing that page. Each stage's file runs this in its own process (Pulumi's runtime is global).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lambdaRuntime, nodeMajor, queues, sqsEventSourceMappingError } from "@cloudcafe/catalog";
import { CONTAINER_SERVICE_DOCKERFILE } from "../../compute-order.ts";
import { EC2_SERVICE_DOCKERFILE } from "../../compute-ec2.ts";
import { rootDir } from "../../offline/paths.ts";
import { synthesize, type Synthesis } from "../../offline/sst-runtime.ts";
import { limitedName } from "../../naming.ts";
import { MAX_STAGE_NAME_LENGTH } from "../../stage.ts";
import { AURORA_POSTGRES_MAJOR, DOCUMENTDB_FAMILY, DOCUMENTDB_VERSION } from "../../data.ts";
import { EKS_VERSION } from "../../compute-eks.ts";
import { mockEngineVersion } from "../../offline/sst-runtime.ts";
import { arnOf, asArray, ofType } from "./resources.ts";

/**
 * "Understand the Kubernetes version lifecycle on EKS": 14 months of standard support from release (1.35: released
 * 2026-01-28); past it, extended support is billed per cluster hour.
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export const EKS_STANDARD_SUPPORT_END: Record<string, string> = { "1.35": "2027-03-27" };

/**
 * "Building Lambda functions with Node.js", supported runtimes table (deprecation / block create / block update):
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 */
export const NODE_RUNTIME_SUPPORT: Record<string, { deprecated: string; blockCreate: string; blockUpdate: string }> = {
  "nodejs24.x": { deprecated: "2028-04-30", blockCreate: "2028-06-01", blockUpdate: "2028-07-01" },
  "nodejs22.x": { deprecated: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01" },
  "nodejs20.x": { deprecated: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30" },
};

/** How far ahead a first deploy must still be possible: a stage created within a year of this check succeeds. */
const RUNTIME_HEADROOM_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The longest stage name the program accepts, in place of the synthesized stage's, to check name limits for any stage. */
function withLongestStage(name: string, stage: string): number {
  return name.length - stage.length + MAX_STAGE_NAME_LENGTH;
}

/** Runs `work` with `$app.stage` set to `stage`, as naming.ts reads it. */
function withStage<T>(stage: string, work: () => T): T {
  const app = $app as { stage: string };
  const previous = app.stage;
  app.stage = stage;
  try {
    return work();
  } finally {
    app.stage = previous;
  }
}

export function awsConstraintsSuite(stage: string, env: Record<string, string> = {}) {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize(stage, { env });
  });
  const functions = () => ofType(s, "aws:lambda/function:Function");

  describe(`AWS constraints (${stage})`, () => {
    // "Building Lambda functions with Node.js": https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
    it(`runs every function on ${lambdaRuntime}, which Lambda lets us create for at least another year`, () => {
      expect(new Set(functions().map((fn) => fn.inputs.runtime))).toEqual(new Set([lambdaRuntime]));
      const support = NODE_RUNTIME_SUPPORT[lambdaRuntime];
      expect(support, `${lambdaRuntime} is not in the supported runtimes table`).toBeDefined();
      expect(Date.parse(support!.blockCreate) - Date.now()).toBeGreaterThan(RUNTIME_HEADROOM_DAYS * DAY_MS);
    });

    // The images run the same Node.js major as the functions (Docker Hub `node` tags name the major).
    it(`builds the container images on node:${nodeMajor} with an esbuild target of node${nodeMajor}`, () => {
      for (const dockerfile of [CONTAINER_SERVICE_DOCKERFILE, EC2_SERVICE_DOCKERFILE]) {
        const text = readFileSync(path.join(rootDir, dockerfile), "utf8");
        expect(text.match(/^FROM node:(\d+)-/gm)?.map((line) => line.replace(/\D/g, ""))).toEqual([String(nodeMajor), String(nodeMajor)]);
        expect([...new Set(text.match(/--target=node\d+/g))]).toEqual([`--target=node${nodeMajor}`]);
      }
    });

    // "Lambda parameters for Amazon SQS event source mappings": FIFO batch 1-10 and no batching window; standard up to
    // 10 000 with a window above 10. https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
    // Stream mappings (they carry a starting position) are checked against the stream rules elsewhere.
    const sqsMappings = () => ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").filter((mapping) => mapping.inputs.startingPosition === undefined);
    it("gives every SQS event-source mapping parameters Lambda accepts for its queue type (no window on a FIFO queue)", () => {
      const queueByArn = new Map(
        ofType(s, "aws:sqs/queue:Queue").map((queue) => [arnOf(queue), { fifo: queue.inputs.fifoQueue === true, name: queue.inputs.name }]),
      );
      const mappings = sqsMappings();
      expect(mappings.length).toBeGreaterThan(0);
      const refused = mappings.flatMap((mapping) => {
        const queue = queueByArn.get(mapping.inputs.eventSourceArn);
        if (!queue) return [`${mapping.name}: source is not a queue of this program`];
        const error = sqsEventSourceMappingError({
          fifo: queue.fifo,
          batchSize: mapping.inputs.batchSize,
          maximumBatchingWindowSeconds: mapping.inputs.maximumBatchingWindowInSeconds,
        });
        return error ? [`${queue.name}: ${error}`] : [];
      });
      expect(refused).toEqual([]);
      const fifoMappings = mappings.filter((mapping) => queueByArn.get(mapping.inputs.eventSourceArn)?.fifo);
      expect(fifoMappings.map((mapping) => mapping.inputs.maximumBatchingWindowInSeconds)).toEqual([undefined]);
    });

    // "Lambda quotas": memory 128 MB to 10,240 MB, timeout up to 900 seconds.
    // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    it("sizes every function within Lambda's memory (128-10 240 MB) and timeout (1-900 s) limits", () => {
      const outside = functions().filter(
        (fn) => !(fn.inputs.memorySize >= 128 && fn.inputs.memorySize <= 10_240 && fn.inputs.timeout >= 1 && fn.inputs.timeout <= 900),
      );
      expect(functions().length).toBeGreaterThan(0);
      expect(outside.map((fn) => fn.inputs.name)).toEqual([]);
    });

    // "Creating and configuring an Amazon SQS event source mapping": the function's timeout must not exceed the queue's
    // visibility timeout (Lambda refuses the mapping), and AWS recommends at least six times it.
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    it("gives each queue a Lambda consumes a visibility timeout of at least six times that function's timeout", () => {
      const timeoutByArn = new Map(functions().map((fn) => [arnOf(fn), fn.inputs.timeout as number]));
      const queueByArn = new Map(ofType(s, "aws:sqs/queue:Queue").map((queue) => [arnOf(queue), queue]));
      const short = sqsMappings().flatMap((mapping) => {
        const queue = queueByArn.get(mapping.inputs.eventSourceArn)!;
        const timeout = timeoutByArn.get(mapping.inputs.functionName)!;
        return queue.inputs.visibilityTimeoutSeconds >= 6 * timeout ? [] : [`${queue.inputs.name}: ${queue.inputs.visibilityTimeoutSeconds} s < 6 x ${timeout} s`];
      });
      expect(short).toEqual([]);
      expect(Object.keys(queues).length).toBeGreaterThan(0);
    });

    // API references: CreateFunction (FunctionName up to 64), CreateQueue (QueueName up to 80), CreateTargetGroup and
    // CreateLoadBalancer (Name up to 32), VPC Lattice CreateService (Name 3-40), ElastiCache CreateReplicationGroup
    // (ReplicationGroupId up to 40), RDS CreateDBCluster (DBClusterIdentifier up to 63).
    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
    // https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateService.html
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
    it(`runs EKS ${EKS_VERSION}, in standard support for at least another month`, () => {
      for (const cluster of ofType(s, "aws:eks/cluster:Cluster")) expect(cluster.inputs.version).toBe(EKS_VERSION);
      expect(Date.parse(EKS_STANDARD_SUPPORT_END[EKS_VERSION]!) - Date.now()).toBeGreaterThan(30 * DAY_MS);
    });

    // "Aurora PostgreSQL release calendar" / CreateDBCluster: a cluster is created on a version AWS offers; the program
    // takes the region's default minor of the major instead of pinning one AWS may have retired or upgraded past.
    it(`creates Aurora on the region's default ${AURORA_POSTGRES_MAJOR}.x and DocumentDB ${DOCUMENTDB_VERSION} with its ${DOCUMENTDB_FAMILY} parameters`, () => {
      expect(s.calls.filter((c) => c.token === "aws:rds/getEngineVersion:getEngineVersion").map((c) => c.inputs)).toEqual([
        { engine: "aurora-postgresql", version: AURORA_POSTGRES_MAJOR, defaultOnly: true },
      ]);
      const versions = [...ofType(s, "aws:rds/cluster:Cluster"), ...ofType(s, "aws:rds/clusterInstance:ClusterInstance")].map((r) => r.inputs.engineVersion);
      expect(new Set(versions)).toEqual(new Set([mockEngineVersion(AURORA_POSTGRES_MAJOR)]));
      for (const docdb of ofType(s, "aws:docdb/cluster:Cluster")) expect(docdb.inputs.engineVersion).toBe(DOCUMENTDB_VERSION);
      for (const family of ofType(s, "aws:docdb/clusterParameterGroup:ClusterParameterGroup")) expect(family.inputs.family).toBe(DOCUMENTDB_FAMILY);
    });

    // "Limitations for Secrets Manager integration with Amazon Aurora": not for DB clusters in a Global Database.
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html
    it("never asks Aurora to manage the master password of a Global Database member", () => {
      const global = ofType(s, "aws:rds/globalCluster:GlobalCluster");
      const managed = ofType(s, "aws:rds/cluster:Cluster").filter((c) => c.inputs.manageMasterUserPassword);
      if (global.length) expect(managed).toEqual([]);
    });

    // "Required AWS KMS key policy for use with encrypted volumes" (Amazon EC2 Auto Scaling user guide).
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
    it("lets the Auto Scaling service-linked role use and grant the key that encrypts the launch templates' volumes", () => {
      const statements = JSON.parse(ofType(s, "aws:kms/key:Key").find((k) => k.name === "PlatformKey")!.inputs.policy).Statement;
      const forAutoScaling = statements.filter((st: any) =>
        String(st.Condition?.StringEquals?.["aws:PrincipalArn"] ?? "").endsWith("role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"),
      );
      expect(forAutoScaling.flatMap((st: any) => asArray(st.Action)).sort()).toEqual(
        ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"].sort(),
      );
      expect(forAutoScaling.find((st: any) => st.Action === "kms:CreateGrant")?.Condition.Bool).toEqual({ "kms:GrantIsForAWSResource": "true" });
    });

    // "Control access to VPC Lattice services using auth policies": with AWS_IAM and no auth policy, every request is denied.
    // https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html
    it("attaches an auth policy to every Lattice service and service network that uses IAM auth", () => {
      const iam = [...ofType(s, "aws:vpclattice/service:Service"), ...ofType(s, "aws:vpclattice/serviceNetwork:ServiceNetwork")].filter(
        (r) => r.inputs.authType === "AWS_IAM",
      );
      const covered = new Set(ofType(s, "aws:vpclattice/authPolicy:AuthPolicy").map((p) => p.inputs.resourceIdentifier));
      expect(iam.length).toBeGreaterThan(0);
      expect(iam.filter((r) => !covered.has(arnOf(r))).map((r) => r.name)).toEqual([]);
    });

    // AWS FIS user guide, "Experiment logging permissions": logs:CreateLogDelivery and the resource-policy actions on *.
    // https://docs.aws.amazon.com/fis/latest/userguide/monitoring-logging.html
    it("lets the FIS role set up experiment log delivery, whose actions take no resource ARN", () => {
      const { Statement } = JSON.parse(ofType(s, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "FisRoleExtras")!.inputs.policy);
      expect(Statement).toContainEqual(
        expect.objectContaining({
          Action: expect.arrayContaining(["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"]),
          Resource: "*",
        }),
      );
    });

    // "Creating a cost budget" (AWS Budgets): forecasted alerts for monthly, quarterly and annual budgets only.
    // https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create.html
    it("puts forecasted alerts on no daily budget", () => {
      const daily = ofType(s, "aws:budgets/budget:Budget").filter((b) => b.inputs.timeUnit === "DAILY");
      expect(daily.flatMap((b) => b.inputs.notifications.filter((n: any) => n.notificationType === "FORECASTED"))).toEqual([]);
    });

    it(`keeps every name within its AWS length limit for any stage name up to ${MAX_STAGE_NAME_LENGTH} characters`, () => {
      // Names made with limitedName() are cut to fit whatever the stage; the others must fit the longest stage.
      const limits: [type: string, field: string, max: number, cut: boolean][] = [
        ["aws:lambda/function:Function", "name", 64, false],
        ["aws:sqs/queue:Queue", "name", 80, false],
        ["aws:rds/cluster:Cluster", "clusterIdentifier", 63, false],
        ["aws:lb/targetGroup:TargetGroup", "name", 32, true],
        ["aws:lb/loadBalancer:LoadBalancer", "name", 32, true],
        ["aws:vpclattice/service:Service", "name", 40, true],
        ["aws:elasticache/replicationGroup:ReplicationGroup", "replicationGroupId", 40, true],
      ];
      const tooLong = limits.flatMap(([type, field, max, cut]) =>
        ofType(s, type)
          .map((r) => String(r.inputs[field] ?? ""))
          .filter((name) => name.includes(`-${stage}`) && (cut ? name.length : withLongestStage(name, stage)) > max)
          .map((name) => `${type} ${name}`),
      );
      expect(tooLong).toEqual([]);
      const longest = "s".repeat(MAX_STAGE_NAME_LENGTH);
      const cutNames = withStage(longest, () => ["alb", "inventory-tg", "loyalty-nlb"].map((suffix) => limitedName(suffix, 32)));
      expect(cutNames.every((name) => name.length <= 32 && name.startsWith(`cloudcafe-${longest.slice(0, 10)}`))).toBe(true);
      expect(new Set(cutNames).size).toBe(cutNames.length);
    });
  });
}

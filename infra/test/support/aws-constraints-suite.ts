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
import { arnOf, ofType } from "./resources.ts";

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
    it("gives every SQS event-source mapping parameters Lambda accepts for its queue type (no window on a FIFO queue)", () => {
      const queueByArn = new Map(
        ofType(s, "aws:sqs/queue:Queue").map((queue) => [arnOf(queue), { fifo: queue.inputs.fifoQueue === true, name: queue.inputs.name }]),
      );
      const mappings = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping");
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
      const short = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").flatMap((mapping) => {
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
      const cutNames = withStage(longest, () => ["alb", "inventory-tg", "analytics-tg", "loyalty-nlb"].map((suffix) => limitedName(suffix, 32)));
      expect(cutNames.every((name) => name.length <= 32 && name.startsWith(`cloudcafe-${longest.slice(0, 10)}`))).toBe(true);
      expect(new Set(cutNames).size).toBe(cutNames.length);
    });
  });
}

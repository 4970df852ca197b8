import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { eventSourceMappings, queues, scheduledFunctions, services } from "@cloudcafe/catalog";
import { PROFILE_VARIABLE } from "../stage.ts";
import { LOYALTY_DOCKERFILE, LOYALTY_ENV_FILE } from "../loyalty.ts";
import { rootDir } from "../offline/paths.ts";
import { synthesize, type Synthesis } from "../offline/sst-runtime.ts";
import { arnOf, asArray, idOf, named, ofType, withInput } from "./support/resources.ts";

const STAGE = "dev";
let s: Synthesis;
const fn = (name: string) => withInput(s, "aws:lambda/function:Function", "name", `cloudcafe-${STAGE}-${name}`);
const userData = () => Buffer.from(named(s, "aws:ec2/launchTemplate:LaunchTemplate", "LoyaltyLaunchTemplate").inputs.userData, "base64").toString();

beforeAll(async () => {
  // The full profile, so the warehouse the run aggregates go to exists.
  s = await synthesize(STAGE, { env: { [PROFILE_VARIABLE]: "full" } });
});

describe("the Loyalty service in AWS (under Pulumi mocks)", () => {
  it("starts the service on every instance under systemd, with its environment read from an encrypted parameter", () => {
    const boot = userData();
    expect(boot).toContain("Restart=always");
    expect(boot).toContain("systemctl enable --now cloudcafe@loyalty");
    expect(boot).toContain(`--env-file ${LOYALTY_ENV_FILE}`);
    expect(boot).toMatch(/aws ssm get-parameter --region \S+ --name \/cloudcafe-dev-loyalty\/environment --with-decryption/);
    expect(boot).toContain("amazon-cloudwatch-agent");
    const parameter = named(s, "aws:ssm/parameter:Parameter", "LoyaltyServiceEnvironment");
    expect(parameter.inputs.type).toBe("SecureString");
    expect(parameter.inputs.keyId).toBeDefined();
    const environment = String(parameter.inputs.value);
    for (const line of ["LOYALTY_BATCH_INTERVAL_MS=0", "LOYALTY_SEED_USERS=0", "SST_RESOURCE_Database=", "SST_RESOURCE_Cache=", "SST_RESOURCE_OperatorToken=", "ANALYTICS_WORKGROUP_NAME="]) {
      expect(environment).toContain(line);
    }
    // The password is not in it: the service reads the rotated secret.
    expect(JSON.parse(environment.split("\n").find((l) => l.startsWith("SST_RESOURCE_Database="))!.split("=").slice(1).join("="))).toHaveProperty("secretArn");
  });

  it("lets the instances read that parameter, the database secret and the warehouse, and nothing of the kind more", () => {
    const policy = JSON.parse(named(s, "aws:iam/rolePolicy:RolePolicy", "LoyaltyInstanceRoleReadsItsSettings").inputs.policy);
    const actions = policy.Statement.flatMap((st: { Action: string[] }) => st.Action).sort();
    expect(actions).toEqual(
      [
        "ssm:GetParameter",
        "secretsmanager:GetSecretValue",
        "redshift-data:ExecuteStatement",
        "redshift-data:BatchExecuteStatement",
        "redshift-serverless:GetCredentials",
        "redshift-data:DescribeStatement",
        "redshift-data:GetStatementResult",
        "redshift-data:CancelStatement",
      ].sort(),
    );
  });

  it("puts the instances behind the NLB on TCP 8080 with /health checks, scaling 2-10 on 70% CPU", () => {
    const group = named(s, "aws:lb/targetGroup:TargetGroup", "LoyaltyTargetGroup");
    expect(group.inputs).toMatchObject({ port: services.loyalty.port, protocol: "TCP", healthCheck: { path: "/health" } });
    const asg = named(s, "aws:autoscaling/group:Group", "LoyaltyAsg");
    expect(asg.inputs).toMatchObject({ minSize: 2, maxSize: 10, healthCheckType: "ELB" });
    const policy = named(s, "aws:autoscaling/policy:Policy", "LoyaltyCpuTarget");
    expect(policy.inputs.targetTrackingConfiguration.targetValue).toBe(70);
  });

  it("accrues from its own subscription queue with the catalog's mapping", () => {
    const consumer = fn(eventSourceMappings.loyaltyPaymentResults.name);
    expect([consumer.inputs.memorySize, consumer.inputs.timeout]).toEqual([eventSourceMappings.loyaltyPaymentResults.memoryMb, eventSourceMappings.loyaltyPaymentResults.timeoutSeconds]);
    const queue = named(s, "aws:sqs/queue:Queue", `${queues.loyaltyPaymentResults.resource}Queue`);
    const mapping = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").find((m) => m.inputs.eventSourceArn === arnOf(queue));
    expect(mapping?.inputs).toMatchObject({ batchSize: 10, functionResponseTypes: ["ReportBatchItemFailures"] });
    expect(JSON.parse(queue.inputs.redrivePolicy).maxReceiveCount).toBe(queues.loyaltyPaymentResults.deadLetter.maxReceiveCount);
    const subscription = ofType(s, "aws:sns/topicSubscription:TopicSubscription").find((x) => x.inputs.endpoint === arnOf(queue));
    expect(JSON.parse(subscription?.inputs.filterPolicy)).toEqual({ traffic: ["live"] });
  });

  it("starts the tier run every hour through the NLB, from a function the NLB lets in", () => {
    const trigger = fn(scheduledFunctions.loyaltyTierRun.name);
    expect(trigger.inputs.environment.variables.LOYALTY_SERVICE_URL).toMatch(new RegExp(`^http://.+:${services.loyalty.port}$`));
    const rule = ofType(s, "aws:cloudwatch/eventRule:EventRule").find((r) => r.inputs.scheduleExpression === scheduledFunctions.loyaltyTierRun.schedule);
    expect(rule).toBeDefined();
    const nlbGroup = withInput(s, "aws:ec2/securityGroup:SecurityGroup", "name", `cloudcafe-${STAGE}-nlb-sg`);
    const lambdaGroup = withInput(s, "aws:ec2/securityGroup:SecurityGroup", "name", `cloudcafe-${STAGE}-lambda-sg`);
    const fromLambdas = asArray(nlbGroup.inputs.ingress).filter((r: any) => asArray(r.securityGroups).includes(idOf(lambdaGroup)));
    expect(fromLambdas.map((r: any) => r.fromPort)).toEqual([services.loyalty.port]);
  });
});

describe(LOYALTY_DOCKERFILE, () => {
  const text = readFileSync(path.join(rootDir, LOYALTY_DOCKERFILE), "utf8");
  it("bundles the server with both pools' workers beside it and piscina external, as the order image does", () => {
    for (const entry of [services.loyalty.serverModule, "packages/stress/src/worker.ts", "functions/loyalty/src/jobs/tier-worker.ts"]) {
      expect(text).toContain(`npx esbuild ${entry}`);
      expect(existsSync(path.join(rootDir, entry))).toBe(true);
    }
    expect(text).toContain("--external:piscina");
    expect(text).toMatch(/STRESS_WORKER_FILE=\/app\/stress-worker\.mjs LOYALTY_BATCH_WORKER_FILE=\/app\/tier-worker\.mjs/);
  });
});

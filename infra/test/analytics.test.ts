import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { apiFunctions, queues, streamEventSourceMappingError, streamEventSourceMappings, streams, tables } from "@cloudcafe/catalog";
import { resolvePath } from "../offline/routes.ts";
import { ANALYTICS_API_ROUTES, ANALYTICS_ENV_FILE, ANALYTICS_WORKER_ENTRY } from "../analytics.ts";
import { rootDir } from "../offline/paths.ts";
import { synthesize, type Synthesis } from "../offline/sst-runtime.ts";
import { arnOf, named, ofType, policyDocuments, roleStatements, withInput } from "./support/resources.ts";

const physical = (name: string) => `cloudcafe-production-${name}`;

describe("the analytics pipeline in AWS (production)", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize("production");
  });
  const fn = (name: string) => withInput(s, "aws:lambda/function:Function", "name", physical(name));
  const streamArn = (key: keyof typeof streams) => arnOf(withInput(s, "aws:kinesis/stream:Stream", "name", physical(streams[key].name)));
  const queueArn = (key: keyof typeof queues) => arnOf(withInput(s, "aws:sqs/queue:Queue", "name", physical(queues[key].name)));

  it("consumes order-events with the catalog's mapping: bisection, partial batch responses, the dead letters on failure", () => {
    const spec = streamEventSourceMappings.analyticsOrderEvents;
    expect(streamEventSourceMappingError(spec)).toBeUndefined();
    const consumer = fn(spec.name);
    const [mapping, ...others] = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => m.inputs.eventSourceArn === streamArn("orderEvents"));
    expect(others).toEqual([]);
    expect(mapping!.inputs).toMatchObject({
      functionName: arnOf(consumer),
      batchSize: spec.batchSize,
      startingPosition: "TRIM_HORIZON",
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: spec.maximumRetryAttempts,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: queueArn("analyticsDeadLetters") } },
    });
    const statements = roleStatements(s, consumer);
    expect(statements).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(["kinesis:GetRecords"]), Resource: [streamArn("orderEvents")] }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ["sqs:SendMessage"], Resource: [queueArn("analyticsDeadLetters")] }));
    expect(consumer.inputs.environment.variables.MENU_SERVICE_URL).toMatch(/^https:\/\//);
  });

  it("serves the whole /api/analytics prefix from its Lambda through API Gateway (no ALB rule), reading the warehouse only", () => {
    const api = fn(apiFunctions.analyticsApi.name);
    const methods = ofType(s, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod === "ANY");
    const integrations = ofType(s, "aws:apigateway/integration:Integration").filter((i) => String(i.inputs.uri).includes(arnOf(api)));
    expect(integrations).toHaveLength(ANALYTICS_API_ROUTES.length);
    expect(integrations.every((i) => i.inputs.type === "AWS_PROXY")).toBe(true);
    expect(methods.length).toBeGreaterThanOrEqual(ANALYTICS_API_ROUTES.length);
    const paths = ofType(s, "aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart);
    expect(paths).toEqual(expect.arrayContaining(["analytics", "{proxy+}"]));
    expect(ofType(s, "aws:lb/targetGroup:TargetGroup").map((tg) => tg.inputs.name)).not.toContainEqual(expect.stringContaining("analytics"));
    for (const path of ["/api/analytics/stores/store-sea-001/minutes", "/api/analytics/summary", "/api/analytics/openapi.json"]) {
      expect(resolvePath(s, path), path).toMatchObject({ integration: "Lambda proxy", target: `Lambda ${api.inputs.name}` });
    }
    const workgroup = arnOf(named(s, "aws:redshiftserverless/workgroup:Workgroup", "AnalyticsWorkgroup"));
    const statements = roleStatements(s, api);
    expect(statements).toContainEqual(expect.objectContaining({ Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], Resource: [workgroup] }));
    const unscoped = statements.filter((st: any) => [st.Resource].flat().includes("*") && !st.Condition);
    expect(unscoped).toEqual([]);
  });

  it("runs the bundled worker under systemd on the analytics instance, with its settings and the CloudWatch agent", () => {
    const worker = named(s, "aws:ec2/instance:Instance", "AnalyticsWorker");
    const userData = String(worker.inputs.userData);
    expect(userData).toContain("amazon-cloudwatch-agent-ctl");
    expect(userData).toContain(`--env-file ${ANALYTICS_ENV_FILE}`);
    expect(userData).toContain(`SST_RESOURCE_AnalyticsEvents={"name":"${physical(streams.analyticsEvents.name)}"}`);
    expect(userData).toContain(`SST_RESOURCE_AnalyticsLeases={"name":"${physical(tables.analyticsLeases.name)}"}`);
    expect(userData).toMatch(/ANALYTICS_WORKGROUP_NAME=\S+/);
    expect(userData.trimEnd().endsWith("systemctl enable --now cloudcafe@analytics.service")).toBe(true);
    const [image] = ofType(s, "docker-build:index:Image").filter((i) => i.inputs.buildArgs.ENTRY);
    expect(image!.inputs.buildArgs).toEqual({ ENTRY: ANALYTICS_WORKER_ENTRY });
    expect(path.relative(rootDir, image!.inputs.dockerfile.location)).toBe("infra/docker/ec2-service.Dockerfile");
    expect(image!.inputs.tags[0]).toMatch(/:analytics$/);
  });

  it("keeps the lease table on demand with PITR, and scopes the worker's role to its stream, table, dead letters and workgroup", () => {
    const table = withInput(s, "aws:dynamodb/table:Table", "name", physical(tables.analyticsLeases.name));
    expect(table.inputs).toMatchObject({ billingMode: "PAY_PER_REQUEST", hashKey: "leaseKey", pointInTimeRecovery: { enabled: true } });
    const [policy] = policyDocuments(s).filter((doc) => doc.owner === "AnalyticsWorkerPipeline");
    const byAction = (action: string) => policy!.document.Statement.find((st: any) => st.Action.includes(action));
    expect(byAction("kinesis:GetRecords").Resource).toEqual([streamArn("analyticsEvents")]);
    expect(byAction("dynamodb:UpdateItem").Resource).toEqual([arnOf(table)]);
    expect(byAction("sqs:SendMessage").Resource).toEqual([queueArn("analyticsDeadLetters")]);
    expect(byAction("redshift-data:GetStatementResult").Condition).toEqual({ StringEquals: { "redshift-data:statement-owner-iam-userid": ["${aws:userid}"] } });
    expect(policy!.document.Statement.filter((st: any) => [st.Resource].flat().includes("*") && !st.Condition)).toEqual([]);
  });
});

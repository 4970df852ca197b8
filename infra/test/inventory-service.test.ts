import { beforeAll, describe, expect, it } from "vitest";
import { memoryDb, streamEventSourceMappings } from "@cloudcafe/catalog";
import { INVENTORY_WORKLOAD } from "../compute-inventory.ts";
import { OFFLINE_DOMAIN, synthesize, type Synthesis } from "../offline/sst-runtime.ts";
import { DOMAIN_VARIABLE, PROFILE_VARIABLE } from "../stage.ts";
import { arnOf, named, ofType, roleStatements, withInput } from "./support/resources.ts";

const stage = "dev";
const spec = streamEventSourceMappings.inventoryCounters;

/** The Inventory service on a full-profile stage, under Pulumi mocks. */
describe("the Inventory service's infrastructure", () => {
  let s: Synthesis;
  beforeAll(async () => {
    s = await synthesize(stage, { env: { [DOMAIN_VARIABLE]: OFFLINE_DOMAIN, [PROFILE_VARIABLE]: "full" } });
  });
  const inventory = (type: string) => {
    const found = ofType(s, `kubernetes:${type}`).filter((r) => r.name.startsWith("Inventory"));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("runs 3 replicas limited to 1 CPU and 1 GB, scaled from 3 to 10 pods at 80% CPU", () => {
    const deployment = inventory("apps/v1:Deployment");
    expect(deployment.inputs.metadata).toMatchObject({ name: "inventory-service", namespace: INVENTORY_WORKLOAD.namespace });
    expect(deployment.inputs.spec.replicas).toBe(3);
    const [container] = deployment.inputs.spec.template.spec.containers;
    expect(container.resources.limits).toEqual({ cpu: "1", memory: "1Gi" });
    expect(container.readinessProbe.httpGet.path).toBe("/health");
    const autoscaler = inventory("autoscaling/v2:HorizontalPodAutoscaler");
    expect(autoscaler.inputs.spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "inventory-service" },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    });
  });

  it("registers the pods in inventory-service-tg, behind the ALB's /api/inventory rule", () => {
    const targetGroup = named(s, "aws:lb/targetGroup:TargetGroup", "InventoryTargetGroup");
    expect(targetGroup.inputs.name).toBe(`cloudcafe-${stage}-inventory-tg`);
    expect(inventory("elbv2.k8s.aws/v1beta1:TargetGroupBinding").inputs.spec).toEqual({
      serviceRef: { name: "inventory-service", port: 8080 },
      targetGroupARN: arnOf(targetGroup),
      targetType: "ip",
    });
    const rule = named(s, "aws:lb/listenerRule:ListenerRule", "InventoryListenerRule");
    expect(rule.inputs.priority).toBe(300);
    expect(rule.inputs.conditions[0].pathPattern.values).toEqual(["/api/inventory", "/api/inventory/*"]);
  });

  it("links the pods to store-inventory, MemoryDB and the operator token, with a Pod Identity role scoped to them", () => {
    const secret = inventory("core/v1:Secret");
    expect(Object.keys(secret.inputs.stringData).sort()).toEqual([`SST_RESOURCE_${memoryDb.resource}`, "SST_RESOURCE_OperatorToken", "SST_RESOURCE_StoreInventory"]);
    const counters = JSON.parse(secret.inputs.stringData[`SST_RESOURCE_${memoryDb.resource}`]);
    expect(counters).toMatchObject({ host: expect.any(String), username: "cloudcafe-dev-inventory", clusterName: "cloudcafe-dev-memorydb" });
    expect(counters.password).toBeUndefined();
    const role = named(s, "aws:iam/role:Role", "InventoryPodRole");
    const statements = JSON.parse(role.inputs.inlinePolicies[0].policy).Statement;
    const table = named(s, "aws:dynamodb/table:Table", "StoreInventoryTable");
    expect(statements[0].Resource).toBe(arnOf(table));
    expect(statements[0].Action).not.toContain("dynamodb:DeleteItem");
    expect(statements[1]).toMatchObject({ Action: ["memorydb:Connect"] });
    const association = ofType(s, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find((a) => a.inputs.serviceAccount === "inventory-service");
    expect(association?.inputs).toMatchObject({ namespace: INVENTORY_WORKLOAD.namespace, roleArn: arnOf(role) });
  });

  it("keeps the counters with a Lambda on the table's stream, mapped with the catalog's settings and its on-failure queue", () => {
    const fn = withInput(s, "aws:lambda/function:Function", "name", `cloudcafe-${stage}-${spec.name}`);
    expect(fn.inputs).toMatchObject({ memorySize: spec.memoryMb, timeout: spec.timeoutSeconds });
    const table = named(s, "aws:dynamodb/table:Table", "StoreInventoryTable");
    const mapping = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").find((m) => m.inputs.eventSourceArn === table.inputs.streamArn || String(m.inputs.eventSourceArn).includes("StoreInventory"));
    expect(mapping?.inputs).toMatchObject({
      batchSize: spec.batchSize,
      startingPosition: "TRIM_HORIZON",
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: spec.maximumRetryAttempts,
      maximumRecordAgeInSeconds: spec.maximumRecordAgeSeconds,
      parallelizationFactor: 1,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    const failures = withInput(s, "aws:sqs/queue:Queue", "name", `cloudcafe-${stage}-inventory-stock-stream-failures`);
    expect(mapping?.inputs.destinationConfig.onFailure.destinationArn).toBe(arnOf(failures));
    const actions = roleStatements(s, fn).flatMap((statement: any) => [statement.Action ?? statement.actions].flat());
    expect(actions).toEqual(expect.arrayContaining(["dynamodb:GetRecords", "sqs:SendMessage", "memorydb:Connect"]));
  });

  it("reaches the reservations from the order service over VPC Lattice: pods in its target group, signed calls from the task and the functions", () => {
    const latticeTargets = named(s, "aws:vpclattice/targetGroup:TargetGroup", "LatticeInventoryTargets");
    const config = inventory("core/v1:ConfigMap");
    expect(config.inputs.data.LATTICE_TARGET_GROUP_ARN).toBe(arnOf(latticeTargets));
    const [container] = inventory("apps/v1:Deployment").inputs.spec.template.spec.containers;
    expect(container.env).toEqual([{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }]);
    const podStatements = JSON.parse(named(s, "aws:iam/role:Role", "InventoryPodRole").inputs.inlinePolicies[0].policy).Statement;
    expect(podStatements).toContainEqual({ Effect: "Allow", Action: ["vpc-lattice:RegisterTargets", "vpc-lattice:DeregisterTargets"], Resource: arnOf(latticeTargets) });

    const url = "http://LatticeInventory.vpc-lattice-svcs.us-east-1.on.aws";
    const [task] = JSON.parse(named(s, "aws:ecs/taskDefinition:TaskDefinition", "OrderServiceTask").inputs.containerDefinitions);
    const taskEnv = Object.fromEntries(task.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(taskEnv).toMatchObject({ INVENTORY_SERVICE_URL: url, INVENTORY_SERVICE_AUTH: "iam" });
    const submission = withInput(s, "aws:lambda/function:Function", "name", `cloudcafe-${stage}-order-submission`);
    expect(submission.inputs.environment.variables).toMatchObject({ INVENTORY_SERVICE_URL: url, INVENTORY_SERVICE_AUTH: "iam" });
    const actions = roleStatements(s, submission).flatMap((statement: any) => [statement.Action ?? statement.actions].flat());
    expect(actions).toContain("vpc-lattice-svcs:Invoke");
  });
});

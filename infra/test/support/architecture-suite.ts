/**
 * The architecture, asserted on the resources the SST program creates for one stage under Pulumi mocks. Each stage's
 * test file runs this suite in its own process (Pulumi's runtime is a process-wide singleton).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  albRule,
  cpuScenarios,
  FAULTS_PARAMETER_ENV,
  faultAlarms,
  faults,
  fisFaults,
  deadLetterRetentionSeconds,
  eventSourceMappings,
  metricNamespaces,
  queues,
  streams,
  tables,
  topics,
  workloadScenarios,
} from "@cloudcafe/catalog";
import { ALARMS, PAYMENT_DURATION_GUARD } from "../../observability.ts";
import { AUTOMATION_ACTION, EXPERIMENTS, FIS_CONFIG_PREFIX, FIS_EXEC_WRAPPER, fisExtensionParameter } from "../../chaos.ts";
import { AMAZON_LINUX_AMI_PARAMETER } from "../../compute-ec2.ts";
import { ECS_LATTICE_POLICY, ORDER_PORT_NAME } from "../../compute-order.ts";
import { LOAD_BALANCER_CONTROLLER, MENU_WORKLOAD, RDS_CA_BUNDLE_PATH } from "../../compute-eks.ts";
import { ANALYTICS_DATABASE } from "../../data.ts";
import { HANDLERS, STRESS_SCENARIOS, stressHandler } from "../../functions.ts";
import { appSettings, DOMAIN_VARIABLE, stageSettings } from "../../stage.ts";
import { buildFiles, WEB_BUILD_DIR } from "../../web.ts";
import { rootDir } from "../../offline/paths.ts";
import { arnOf, asArray, idOf, named, ofType, policyDocuments, roleStatements, withInput } from "./resources.ts";
import {
  mockParameterValue,
  mockPrefixListId,
  OFFLINE_DOMAIN,
  synthesize,
  type Synthesis,
} from "../../offline/sst-runtime.ts";

const physical = (stage: string, name: string) =>
  name.endsWith(".fifo") ? `cloudcafe-${stage}-${name.slice(0, -5)}.fifo` : `cloudcafe-${stage}-${name}`;

/** The architecture with a domain; `env` adds the operator's other variables (a full-profile dev stage). */
export function architectureSuite(stage: string, extraEnv: Record<string, string> = {}) {
  const operator = { [DOMAIN_VARIABLE]: OFFLINE_DOMAIN, ...extraEnv };
  const settings = stageSettings(stage, operator);
  let s: Synthesis;
  const sg = (name: string) => withInput(s, "aws:ec2/securityGroup:SecurityGroup", "name", `cloudcafe-${stage}-${name}`);
  /** A group's ingress rules as port and sources (groups, CIDRs, prefix lists). */
  const rules = (name: string) =>
    asArray(sg(name).inputs.ingress).map((r: any) => ({
      port: r.protocol === "-1" ? "all" : r.fromPort,
      from: [...asArray(r.cidrBlocks), ...asArray(r.securityGroups), ...asArray(r.prefixListIds)].sort(),
    }));
  const fn = (name: string) => withInput(s, "aws:lambda/function:Function", "name", `cloudcafe-${stage}-${name}`);
  const env = (name: string) => fn(name).inputs.environment?.variables ?? {};
  const inReplicaRegion = (r: { provider?: string }) => r.provider?.includes("::ReplicaRegion::") ?? false;
  const lookups = (token: string) => s.calls.filter((c) => c.token === token).map((c) => c.inputs.name);

  beforeAll(async () => {
    s = await synthesize(stage, { env: operator });
  });

  describe(`network (${stage})`, () => {
    it("is one 10.0.0.0/16 VPC with public, private and database subnets in three AZs", () => {
      const primary = ofType(s, "aws:ec2/vpc:Vpc").filter((v) => !inReplicaRegion(v));
      expect(primary.map((v) => v.inputs.cidrBlock)).toEqual(["10.0.0.0/16"]);
      const subnets = ofType(s, "aws:ec2/subnet:Subnet")
        .filter((r) => r.inputs.vpcId === idOf(primary[0]!))
        .map((r) => [r.inputs.tags["cloudcafe:tier"], r.inputs.cidrBlock, r.inputs.availabilityZone]);
      const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
      expect(subnets.sort()).toEqual(
        [
          ...[1, 2, 3].map((o, i) => ["public", `10.0.${o}.0/24`, zones[i]]),
          ...[11, 12, 13].map((o, i) => ["private", `10.0.${o}.0/24`, zones[i]]),
          ...[21, 22, 23].map((o, i) => ["database", `10.0.${o}.0/24`, zones[i]]),
        ].sort(),
      );
    });

    it("has a single NAT gateway and flow logs on all traffic", () => {
      expect(ofType(s, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
      const [flowLog] = ofType(s, "aws:ec2/flowLog:FlowLog");
      expect(flowLog?.inputs.trafficType).toBe("ALL");
    });

    it("opens each security group exactly as the architecture's table (plus VPC Lattice to the order tasks)", () => {
      const alb = named(s, "aws:ec2/securityGroup:SecurityGroup", "AlbSecurityGroup");
      const id = (name: string) => idOf(sg(name));
      const compute = [id("ecs-task-sg"), id("eks-node-sg"), id("ec2-sg"), id("lambda-sg")].sort();
      expect(alb.inputs.name).toBe(`cloudcafe-${stage}-alb-sg`);
      expect(rules("alb-sg")).toEqual([
        { port: 80, from: ["0.0.0.0/0"] },
        { port: 443, from: ["0.0.0.0/0"] },
      ]);
      expect(rules("ecs-task-sg")).toEqual([
        { port: 8080, from: [idOf(alb)] },
        { port: 8080, from: [mockPrefixListId(`com.amazonaws.${settings.region}.vpc-lattice`)] },
      ]);
      expect(rules("eks-node-sg")).toEqual([
        { port: 8080, from: [idOf(alb)] },
        { port: "all", from: ["10.0.0.0/16"] },
      ]);
      expect(rules("ec2-sg")).toEqual([
        { port: 8080, from: [id("nlb-sg")] },
        { port: 22, from: ["10.0.0.0/16"] },
      ]);
      expect(rules("rds-sg")).toEqual([{ port: 5432, from: compute }]);
      expect(rules("elasticache-sg")).toEqual([{ port: 6379, from: compute }]);
      expect(rules("redshift-sg")).toEqual([{ port: 5439, from: [id("ec2-sg")] }]);
    });

    it("admits VPC Lattice to the order tasks on 8080/TCP only, from the region's Lattice prefix list only", () => {
      expect(lookups("aws:ec2/getManagedPrefixList:getManagedPrefixList")).toEqual([`com.amazonaws.${settings.region}.vpc-lattice`]);
      const fromLattice = asArray(sg("ecs-task-sg").inputs.ingress).filter((r: any) => r.prefixListIds);
      expect(fromLattice).toEqual([
        {
          protocol: "tcp",
          fromPort: 8080,
          toPort: 8080,
          prefixListIds: [mockPrefixListId(`com.amazonaws.${settings.region}.vpc-lattice`)],
          description: "from VPC Lattice",
        },
      ]);
      const elsewhere = ofType(s, "aws:ec2/securityGroup:SecurityGroup")
        .filter((group) => group.inputs.name !== `cloudcafe-${stage}-ecs-task-sg`)
        .flatMap((group) => asArray(group.inputs.ingress).filter((r: any) => asArray(r.prefixListIds).length > 0));
      expect(elsewhere).toEqual([]);
    });

    it("lets nothing but the ALB's 80/443 in from 0.0.0.0/0", () => {
      const open = ofType(s, "aws:ec2/securityGroup:SecurityGroup").flatMap((group) =>
        asArray(group.inputs.ingress)
          .filter((r: any) => asArray(r.cidrBlocks).includes("0.0.0.0/0") || asArray(r.ipv6CidrBlocks).includes("::/0"))
          .map((r: any) => `${group.inputs.name}:${r.fromPort}-${r.toPort}`),
      );
      expect(open.sort()).toEqual([`cloudcafe-${stage}-alb-sg:443-443`, `cloudcafe-${stage}-alb-sg:80-80`]);
      expect(ofType(s, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
      expect(ofType(s, "aws:ec2/securityGroupRule:SecurityGroupRule")).toEqual([]);
    });
  });

  describe(`edge (${stage})`, () => {
    it("serves the stage under the operator's hosted zone: the apex in production, <stage>.<zone> elsewhere", () => {
      const name = settings.production ? OFFLINE_DOMAIN : `${stage}.${OFFLINE_DOMAIN}`;
      expect(settings.domain).toEqual({ zone: OFFLINE_DOMAIN, name });
      expect(lookups("aws:route53/getZone:getZone").filter(Boolean)).toEqual([OFFLINE_DOMAIN]);
      const [cert] = ofType(s, "aws:acm/certificate:Certificate");
      expect([cert?.inputs.domainName, cert?.inputs.subjectAlternativeNames]).toEqual([name, [`*.${name}`]]);
      expect(ofType(s, "aws:cloudfront/distribution:Distribution")[0]?.inputs.aliases).toEqual([name]);
      const records = ofType(s, "aws:route53/record:Record").filter((r) => r.inputs.type === "A");
      expect(records.map((r) => [r.inputs.name, r.inputs.zoneId]).sort()).toEqual(
        [
          [name, "Z0CLOUDCAFE"],
          [`api.${name}`, "Z0CLOUDCAFE"],
        ].sort(),
      );
    });

    it("redirects HTTP to HTTPS and terminates TLS 1.2+ on the internet-facing ALB", () => {
      const alb = named(s, "aws:lb/loadBalancer:LoadBalancer", "AlbLoadBalancer");
      expect(alb.inputs.internal).toBe(false);
      const http = named(s, "aws:lb/listener:Listener", "AlbListenerHTTP80");
      expect(http.inputs.defaultActions).toEqual([
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
      expect(named(s, "aws:lb/listener:Listener", "AlbListenerHTTPS443").inputs.sslPolicy).toMatch(/TLS13-1-2|TLS-1-2/);
    });

    it("routes /api/orders, /api/menu and /api/inventory (with and without a trailing path) to their target groups", () => {
      const rules = ofType(s, "aws:lb/listenerRule:ListenerRule").map((r) => ({
        paths: r.inputs.conditions.flatMap((c: any) => c.pathPattern.values),
        target: r.inputs.actions[0].targetGroupArn,
      }));
      const targetOf = (p: string) => rules.filter((r) => r.paths.includes(p)).map((r) => r.target);
      for (const prefix of ["/api/orders", "/api/menu", "/api/inventory"]) {
        expect(targetOf(prefix)).toHaveLength(1);
        expect(targetOf(`${prefix}/*`)).toEqual(targetOf(prefix));
      }
      expect(new Set(["/api/orders", "/api/menu", "/api/inventory"].map((p) => targetOf(p)[0])).size).toBe(3);
    });

    it("puts CloudFront with TLS 1.2 in front of API Gateway and the web console", () => {
      const [cdn] = ofType(s, "aws:cloudfront/distribution:Distribution");
      expect(cdn?.inputs.viewerCertificate.minimumProtocolVersion).toBe("TLSv1.2_2021");
      expect(cdn?.inputs.origins.map((o: any) => o.originId).sort()).toEqual(["api", "web"]);
      expect(cdn?.inputs.origins.find((o: any) => o.originId === "api").domainName).toMatch(/execute-api/);
      expect(cdn?.inputs.orderedCacheBehaviors[0].pathPattern).toBe("/api/*");
    });

    it("uploads every file of the web console's build to its bucket, the entry page never cached", () => {
      const bucket = named(s, "aws:s3/bucket:Bucket", "WebConsoleBucket");
      const uploaded = ofType(s, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.inputs.bucket === idOf(bucket));
      expect(uploaded.map((o) => o.inputs.key).sort()).toEqual(buildFiles(path.join(rootDir, WEB_BUILD_DIR)));
      const entry = uploaded.find((o) => o.inputs.key === "index.html");
      if (entry) expect([entry.inputs.contentType, entry.inputs.cacheControl]).toEqual(["text/html; charset=utf-8", "no-cache"]);
    });

    it("has an internal NLB on TCP 8080 for loyalty and a Lattice network with order and inventory", () => {
      const nlb = named(s, "aws:lb/loadBalancer:LoadBalancer", "LoyaltyNlb");
      expect([nlb.inputs.internal, nlb.inputs.loadBalancerType]).toEqual([true, "network"]);
      const listener = named(s, "aws:lb/listener:Listener", "LoyaltyNlbListener");
      expect([listener.inputs.port, listener.inputs.protocol]).toEqual([8080, "TCP"]);
      expect(ofType(s, "aws:vpclattice/service:Service").map((r) => r.inputs.name).sort()).toEqual(
        [`cloudcafe-${stage}-inventory`, `cloudcafe-${stage}-order`],
      );
      expect(ofType(s, "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation")).toHaveLength(2);
    });

    it("registers the order service's tasks in the order Lattice target group through ECS, on the named container port", () => {
      const service = named(s, "aws:ecs/service:Service", "OrderServiceService");
      const role = named(s, "aws:iam/role:Role", "OrderLatticeRole");
      const targets = named(s, "aws:vpclattice/targetGroup:TargetGroup", "LatticeOrderTargets");
      expect([targets.inputs.type, targets.inputs.config.port, targets.inputs.config.protocol]).toEqual(["IP", 8080, "HTTP"]);
      expect(service.inputs.vpcLatticeConfigurations).toEqual([
        { roleArn: arnOf(role), targetGroupArn: arnOf(targets), portName: ORDER_PORT_NAME },
      ]);
      expect(role.inputs.assumeRolePolicy.Statement.map((st: any) => [st.Action, st.Principal])).toEqual([
        ["sts:AssumeRole", { Service: "ecs.amazonaws.com" }],
      ]);
      const attached = ofType(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.name);
      expect(attached.map((a) => a.inputs.policyArn)).toEqual([ECS_LATTICE_POLICY]);
      const [container, ...others] = JSON.parse(named(s, "aws:ecs/taskDefinition:TaskDefinition", "OrderServiceTask").inputs.containerDefinitions);
      expect(others).toEqual([]);
      expect(container.portMappings).toEqual([{ name: ORDER_PORT_NAME, containerPort: 8080, protocol: "tcp" }]);
    });

    it("leaves the inventory Lattice target group to the inventory workload on EKS", () => {
      const inventory = named(s, "aws:vpclattice/targetGroup:TargetGroup", "LatticeInventoryTargets");
      const registered = ofType(s, "aws:ecs/service:Service").flatMap((svc) =>
        asArray(svc.inputs.vpcLatticeConfigurations).map((c: any) => c.targetGroupArn),
      );
      expect(registered).not.toContain(arnOf(inventory));
      expect(ofType(s, "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment")).toEqual([]);
    });
  });

  describe(`compute (${stage})`, () => {
    it("runs the order service on Fargate: 1 vCPU, 2 GB, 2-10 tasks on 70% CPU, spot above the base, Container Insights", () => {
      const task = named(s, "aws:ecs/taskDefinition:TaskDefinition", "OrderServiceTask");
      expect([task.inputs.cpu, task.inputs.memory]).toEqual(["1024", "2048"]);
      const target = named(s, "aws:appautoscaling/target:Target", "OrderServiceAutoScalingTarget");
      expect([target.inputs.minCapacity, target.inputs.maxCapacity]).toEqual([2, 10]);
      const cpu = named(s, "aws:appautoscaling/policy:Policy", "OrderServiceAutoScalingCpuPolicy");
      expect(cpu.inputs.targetTrackingScalingPolicyConfiguration.targetValue).toBe(70);
      const service = named(s, "aws:ecs/service:Service", "OrderServiceService");
      expect(service.inputs.capacityProviderStrategies).toEqual([
        { capacityProvider: "FARGATE", base: 2, weight: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 1 },
      ]);
      expect(service.inputs.networkConfiguration.securityGroups).toEqual([idOf(sg("ecs-task-sg"))]);
      expect(named(s, "aws:ecs/cluster:Cluster", "ClusterCluster").inputs.settings[0].name).toBe("containerInsights");
      const tg = named(s, "aws:lb/targetGroup:TargetGroup", "OrderServiceTargetOrderServiceHTTP8080");
      expect(tg.inputs.healthCheck.path).toBe("/health");
    });

    it("builds the order, menu and inventory images from the repo's container-service Dockerfile", () => {
      const images = ofType(s, "docker-build:index:Image").filter((image) => image.inputs.buildArgs.SERVICE);
      expect(images.map((image) => image.inputs.buildArgs).sort((a, b) => a.SERVICE.localeCompare(b.SERVICE))).toEqual([{ SERVICE: "inventory" }, { SERVICE: "menu" }, { SERVICE: "order" }]);
      for (const image of images) {
        expect(path.relative(rootDir, image.inputs.dockerfile.location)).toBe("infra/docker/service.Dockerfile");
        expect(existsSync(image.inputs.dockerfile.location)).toBe(true);
      }
    });

    it("prices orders from the Menu service at its public route, on Fargate and in the order Lambdas", () => {
      const menuUrl = s.outputs.api;
      expect(menuUrl).toMatch(/^https:\/\//);
      const task = named(s, "aws:ecs/taskDefinition:TaskDefinition", "OrderServiceTask");
      const [container] = JSON.parse(task.inputs.containerDefinitions);
      expect(container.environment).toContainEqual({ name: "MENU_SERVICE_URL", value: menuUrl });
      for (const name of ["order-submission", "order-payment-results", "outbox-relay"]) expect(env(name).MENU_SERVICE_URL).toBe(menuUrl);
    });

    describe("the Menu service on EKS", () => {
      // The Inventory service's objects (its own test) are left out.
      const k8s = (type: string) => ofType(s, `kubernetes:${type}`).filter((r) => !r.name.startsWith("Inventory"));
      const one = (type: string) => {
        const [found, ...more] = k8s(type);
        expect(more).toEqual([]);
        return found!;
      };

      it("runs 3 replicas limited to 500m CPU and 512 MB, configured from a ConfigMap and a Secret", () => {
        const deployment = one("apps/v1:Deployment");
        expect(deployment.inputs.metadata).toMatchObject({ name: "menu-service", namespace: MENU_WORKLOAD.namespace });
        expect(deployment.inputs.spec.replicas).toBe(3);
        const [container] = deployment.inputs.spec.template.spec.containers;
        expect(container.resources.limits).toEqual({ cpu: "500m", memory: "512Mi" });
        expect(container.readinessProbe.httpGet.path).toBe("/health");
        expect(container.envFrom).toEqual([{ configMapRef: { name: "menu-service-config" } }, { secretRef: { name: "menu-service-links" } }]);
        expect(deployment.inputs.spec.template.spec.serviceAccountName).toBe("menu-service");

        const config = one("core/v1:ConfigMap");
        expect(config.inputs.metadata.name).toBe("menu-service-config");
        expect(config.inputs.data).toMatchObject({ PORT: "8080", DOCUMENTDB_CA_FILE: RDS_CA_BUNDLE_PATH });
        const secret = one("core/v1:Secret");
        expect(secret.inputs.metadata.name).toBe("menu-service-links");
        expect(Object.keys(secret.inputs.stringData).sort()).toEqual(["SST_RESOURCE_Cache", "SST_RESOURCE_MenuDocuments", "SST_RESOURCE_OperatorToken"]);
      });

      it("gives the pods the DocumentDB credentials as the user and the rotated secret's ARN, never the password", () => {
        const documents = JSON.parse(one("core/v1:Secret").inputs.stringData.SST_RESOURCE_MenuDocuments);
        const cluster = named(s, "aws:docdb/cluster:Cluster", "DocumentDbCluster");
        expect(documents).toEqual({
          host: "DocumentDbCluster.cluster.amazonaws.com",
          port: 27017,
          database: "menu",
          username: cluster.inputs.masterUsername,
          secretArn: `${arnOf(cluster)}-secret`,
        });
        const role = named(s, "aws:iam/role:Role", "MenuPodRole");
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        const statements = JSON.parse(role.inputs.inlinePolicies[0].policy).Statement;
        expect(statements.map((st: any) => [st.Action, st.Resource])).toEqual([
          [["secretsmanager:GetSecretValue"], `${arnOf(cluster)}-secret`],
          [["kms:Decrypt"], arnOf(named(s, "aws:kms/key:Key", "PlatformKey"))],
        ]);
        const association = ofType(s, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find((a) => a.inputs.serviceAccount === "menu-service");
        expect(association?.inputs).toMatchObject({ namespace: MENU_WORKLOAD.namespace, roleArn: arnOf(role) });
      });

      it("registers the pods in menu-service-tg, behind the ALB's /api/menu rule, through the load balancer controller", () => {
        const binding = one("elbv2.k8s.aws/v1beta1:TargetGroupBinding");
        const targetGroup = named(s, "aws:lb/targetGroup:TargetGroup", "MenuTargetGroup");
        expect(targetGroup.inputs.name).toBe(`cloudcafe-${stage}-menu-tg`);
        expect(binding.inputs.spec).toEqual({ serviceRef: { name: "menu-service", port: 8080 }, targetGroupARN: arnOf(targetGroup), targetType: "ip" });
        expect(one("core/v1:Service").inputs.spec).toMatchObject({ type: "ClusterIP", selector: { app: "menu-service" } });
        const controller = one("helm.sh/v3:Release");
        expect(controller.inputs).toMatchObject({ chart: LOAD_BALANCER_CONTROLLER.chart, namespace: "kube-system", repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER.repository } });
      });

      it("talks to the cluster as the deployer, through an access entry with cluster admin", () => {
        const [entry] = ofType(s, "aws:eks/accessEntry:AccessEntry");
        expect(entry?.inputs.principalArn).toBe("arn:aws:iam::123456789012:user/test");
        const [admin] = ofType(s, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        expect(admin?.inputs).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
      });
    });

    it("has an EKS cluster with a spot node group sized for the stage", () => {
      expect(ofType(s, "aws:eks/cluster:Cluster")).toHaveLength(1);
      const [nodes] = ofType(s, "aws:eks/nodeGroup:NodeGroup");
      expect(nodes?.inputs.capacityType).toBe("SPOT");
      expect(nodes?.inputs.instanceTypes).toEqual(settings.eks.nodeInstanceTypes);
      expect(nodes?.inputs.scalingConfig).toEqual({
        minSize: settings.eks.minNodes,
        maxSize: settings.eks.maxNodes,
        desiredSize: settings.eks.desiredNodes,
      });
    });

    it("boots the analytics worker from the AMI id read from AWS's Amazon Linux parameter, not from resolve:ssm:", () => {
      const [worker] = ofType(s, "aws:ec2/instance:Instance");
      expect(worker?.inputs.ami).toBe(mockParameterValue(AMAZON_LINUX_AMI_PARAMETER));
      expect(worker?.inputs.rootBlockDevice).toMatchObject({ encrypted: true });
    });

    it("scales loyalty 2-10 on 70% CPU behind the NLB and runs one analytics worker, both with restarting units", () => {
      const [group] = ofType(s, "aws:autoscaling/group:Group");
      expect([group?.inputs.minSize, group?.inputs.maxSize]).toEqual([2, 10]);
      const [policy] = ofType(s, "aws:autoscaling/policy:Policy");
      expect(policy?.inputs.targetTrackingConfiguration.targetValue).toBe(70);
      const template = named(s, "aws:ec2/launchTemplate:LaunchTemplate", "LoyaltyLaunchTemplate");
      expect(template.inputs.instanceType).toBe(settings.ec2InstanceType);
      expect(Buffer.from(template.inputs.userData, "base64").toString()).toContain("Restart=always");
      const [worker] = ofType(s, "aws:ec2/instance:Instance");
      expect(worker?.inputs.instanceType).toBe(settings.ec2InstanceType);
      expect(worker?.inputs.userData).toContain("amazon-cloudwatch-agent");
    });

    it("runs the payment processor with 512 MB, 30 s, batches of up to 10 with no batching window (a FIFO queue's) and partial failures", () => {
      const payment = fn("payment-processor");
      expect([payment.inputs.memorySize, payment.inputs.timeout]).toEqual([
        eventSourceMappings.paymentProcessor.memoryMb,
        eventSourceMappings.paymentProcessor.timeoutSeconds,
      ]);
      // A stage setting (the account's quota must exceed it by 100): production reserves the architecture's 100.
      expect(payment.inputs.reservedConcurrentExecutions ?? undefined).toBe(settings.paymentReservedConcurrency);
      expect(settings.paymentReservedConcurrency).toBe(settings.production ? 100 : undefined);
      const mapping = ofType(s, "aws:lambda/eventSourceMapping:EventSourceMapping").find(
        (m) => m.inputs.functionName === arnOf(payment),
      );
      expect(mapping?.inputs).toMatchObject({
        batchSize: 10,
        functionResponseTypes: ["ReportBatchItemFailures"],
        eventSourceArn: arnOf(named(s, "aws:sqs/queue:Queue", "PaymentProcessingQueueQueue")),
      });
      expect(mapping?.inputs).not.toHaveProperty("maximumBatchingWindowInSeconds");
    });

    it("builds every handler from a file that exists", () => {
      expect(s.missingHandlers).toEqual([]);
      expect([...new Set(s.builtHandlers)].sort()).toEqual(
        [...HANDLERS, ...STRESS_SCENARIOS.map(stressHandler)].sort(),
      );
    });

    it(`gives the payment processor its avalanche knobs from the stage settings (init delay ${settings.paymentInitDelayMs} ms, fraud rounds ${settings.paymentFraudRounds})`, () => {
      expect(settings.paymentInitDelayMs).toBe(0);
      expect(settings.paymentFraudRounds).toBe(0);
      expect(env("payment-processor").PAYMENT_INIT_DELAY_MS).toBe(String(settings.paymentInitDelayMs));
      expect(env("payment-processor").PAYMENT_FRAUD_ROUNDS).toBe(String(settings.paymentFraudRounds));
    });

    it("runs each stress function on one vCPU with the in-thread pool its bundle can use", () => {
      for (const scenario of STRESS_SCENARIOS) {
        const stress = fn(`stress-${scenario}`);
        expect(stress.inputs.memorySize).toBe(1769);
        expect(stress.inputs.environment?.variables?.STRESS_POOL).toBe("in-thread");
      }
    });

    it("lets the cold-start avalanche invoke the deployed payment processor, and only that", () => {
      const avalanche = "stress-cold-start-avalanche";
      expect(env(avalanche)).toMatchObject({ PAYMENT_FUNCTION_NAME: `cloudcafe-${stage}-payment-processor`, STRESS_POOL: "in-thread" });
      // No payment links any more: it calls the Lambda API instead of importing the handler.
      expect(s.linksByFunction.StressColdStartAvalanche).toEqual(["OperatorToken"]);
      expect(s.linksByFunction.PaymentProcessor).toEqual(["ChaosFaults", "PaymentResultsTopic", "PaymentTransactions"]);
      // Beyond the platform key, its role may invoke the payment processor and nothing else.
      const statements = roleStatements(s, fn(avalanche)).filter((st) => !asArray(st.Action).some((a: string) => a.startsWith("kms:")));
      expect(statements).toEqual([{ Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [arnOf(fn("payment-processor"))] }]);
    });

    it("points the query storm at the analytics workgroup with Data API access scoped to it and its own statements", () => {
      const workgroup = named(s, "aws:redshiftserverless/workgroup:Workgroup", "AnalyticsWorkgroup");
      expect(env("stress-query-storm")).toMatchObject({
        ANALYTICS_WORKGROUP_NAME: `cloudcafe-${stage}-analytics`,
        ANALYTICS_DATABASE_NAME: ANALYTICS_DATABASE,
      });
      expect(env("stress-query-storm")).not.toHaveProperty("ANALYTICS_DATABASE_URL");
      expect(s.linksByFunction.StressQueryStorm).toEqual(["OperatorToken"]);
      expect(named(s, "aws:redshiftserverless/namespace:Namespace", "AnalyticsNamespace").inputs.dbName).toBe(ANALYTICS_DATABASE);
      const statements = roleStatements(s, fn("stress-query-storm")).filter((st) => !asArray(st.Action).some((a: string) => a.startsWith("kms:")));
      expect(statements).toEqual([
        {
          Effect: "Allow",
          Action: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
          Resource: [arnOf(workgroup)],
        },
        {
          Effect: "Allow",
          Action: ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
          Resource: ["*"],
          Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": ["${aws:userid}"] } },
        },
        { Effect: "Allow", Action: ["redshift-serverless:GetCredentials"], Resource: [arnOf(workgroup)] },
      ]);
    });

    it("schedules the outbox relay every minute and the loyalty tier run at the top of every hour", () => {
      expect(ofType(s, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.scheduleExpression).sort()).toEqual(["cron(0 * * * ? *)", "rate(1 minute)"]);
    });
  });

  describe(`data (${stage})`, () => {
    it("creates the catalog's DynamoDB tables on demand with PITR, TTL, streams and KMS", () => {
      for (const spec of Object.values(tables)) {
        const table = withInput(s, "aws:dynamodb/table:Table", "name", physical(stage, spec.name));
        expect(table.inputs).toMatchObject({
          billingMode: "PAY_PER_REQUEST",
          hashKey: spec.partitionKey.name,
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true },
          deletionProtectionEnabled: settings.deletionProtection,
        });
        expect(table.inputs.ttl?.attributeName).toBe("ttlAttribute" in spec ? spec.ttlAttribute : undefined);
        expect(table.inputs.streamViewType).toBe("stream" in spec ? spec.stream : undefined);
      }
    });

    it("runs Aurora PostgreSQL on Graviton with 7-day backups, encryption and a 30-day rotated secret", () => {
      const cluster = named(s, "aws:rds/cluster:Cluster", "DatabaseCluster");
      expect(cluster.inputs).toMatchObject({
        engine: "aurora-postgresql",
        backupRetentionPeriod: 7,
        storageEncrypted: true,
        deletionProtection: settings.deletionProtection,
      });
      // Aurora cannot manage the password of a Global Database member (production): a generated secret instead.
      expect(cluster.inputs.manageMasterUserPassword ?? false).toBe(!settings.replicaRegion);
      expect(cluster.inputs.masterPassword !== undefined).toBe(Boolean(settings.replicaRegion));
      const instances = ofType(s, "aws:rds/clusterInstance:ClusterInstance").filter((i) => i.name.startsWith("DatabaseInstance"));
      expect(instances.map((i) => i.inputs.instanceClass)).toEqual(Array(settings.aurora.instances).fill(settings.aurora.instanceClass));
      expect(settings.aurora.instanceClass).toMatch(/^db\.[a-z]\d+g\./);
      const rotations = ofType(s, "aws:secretsmanager/secretRotation:SecretRotation");
      expect(rotations.map((r) => [r.name, r.inputs.rotationRules.automaticallyAfterDays]).sort()).toEqual([
        ...(settings.replicaRegion ? [] : [["DatabaseSecretRotation", 30]]),
        ["DocumentDbSecretRotation", 30],
      ]);
    });

    it("backs up Aurora, DocumentDB and the DynamoDB tables daily into an encrypted vault", () => {
      const [selection] = ofType(s, "aws:backup/selection:Selection");
      expect(selection?.inputs.resources.sort()).toEqual(
        [
          arnOf(named(s, "aws:rds/cluster:Cluster", "DatabaseCluster")),
          arnOf(named(s, "aws:docdb/cluster:Cluster", "DocumentDbCluster")),
          ...Object.values(tables).map((t) => arnOf(withInput(s, "aws:dynamodb/table:Table", "name", physical(stage, t.name)))),
        ].sort(),
      );
      const [plan] = ofType(s, "aws:backup/plan:Plan");
      expect(plan?.inputs.rules[0].lifecycle.deleteAfter).toBe(settings.production ? 35 : 7);
      expect(ofType(s, "aws:backup/vault:Vault")[0]?.inputs.kmsKeyArn).toBe(arnOf(named(s, "aws:kms/key:Key", "PlatformKey")));
    });

    it("has a cross-region Aurora replica only in production", () => {
      const replicas = ofType(s, "aws:rds/cluster:Cluster").filter((c) => c.inputs.globalClusterIdentifier);
      expect(replicas).toHaveLength(settings.production ? 1 : 0);
      expect(replicas.every(inReplicaRegion)).toBe(true);
    });

    it(`puts the replica in its own database-only VPC in the replica region (${settings.production ? "production" : "none here"})`, () => {
      const replicaSide = s.resources.filter(inReplicaRegion).map((r) => r.type);
      if (!settings.production) {
        expect(replicaSide).toEqual([]);
        return;
      }
      const provider = ofType(s, "pulumi:providers:aws").find((p) => p.name === "ReplicaRegion");
      expect(provider?.inputs.region).toBe(settings.replicaRegion);
      const [vpc, ...moreVpcs] = ofType(s, "aws:ec2/vpc:Vpc").filter(inReplicaRegion);
      expect(moreVpcs).toEqual([]);
      expect(vpc?.inputs.cidrBlock).toBe("10.1.0.0/16");
      const subnets = ofType(s, "aws:ec2/subnet:Subnet").filter(inReplicaRegion);
      expect(subnets.every((subnet) => subnet.inputs.vpcId === idOf(vpc!))).toBe(true);
      expect(subnets.map((r) => [r.inputs.cidrBlock, r.inputs.availabilityZone, r.inputs.mapPublicIpOnLaunch])).toEqual(
        [21, 22, 23].map((o, i) => [`10.1.${o}.0/24`, `${settings.replicaRegion}${"abc"[i]}`, false]),
      );
      // No way out: no internet gateway, NAT gateway or route of its own.
      expect(replicaSide.filter((type) => /internetGateway|natGateway|eip|route/i.test(type))).toEqual([]);
      const subnetGroup = named(s, "aws:rds/subnetGroup:SubnetGroup", "ReplicaDatabaseSubnetGroup");
      expect(inReplicaRegion(subnetGroup)).toBe(true);
      expect(subnetGroup.inputs.subnetIds).toEqual(subnets.map(idOf));
      const group = sg("replica-rds-sg");
      expect(inReplicaRegion(group)).toBe(true);
      expect(group.inputs.vpcId).toBe(idOf(vpc!));
      expect(rules("replica-rds-sg")).toEqual([{ port: 5432, from: ["10.1.0.0/16"] }]);
      expect(asArray(group.inputs.egress).flatMap((r: any) => r.cidrBlocks)).toEqual(["10.1.0.0/16"]);
      const replica = named(s, "aws:rds/cluster:Cluster", "DatabaseReplica");
      expect([replica.inputs.dbSubnetGroupName, replica.inputs.vpcSecurityGroupIds]).toEqual([
        subnetGroup.inputs.name,
        [idOf(group)],
      ]);
      expect(named(s, "aws:rds/clusterInstance:ClusterInstance", "DatabaseReplicaInstance").inputs.dbSubnetGroupName).toBe(
        subnetGroup.inputs.name,
      );
    });

    it("encrypts Redis in transit with LRU eviction, MemoryDB with TLS, and every store at rest with KMS", () => {
      const [redis] = ofType(s, "aws:elasticache/replicationGroup:ReplicationGroup");
      expect(redis?.inputs).toMatchObject({ transitEncryptionEnabled: true, atRestEncryptionEnabled: true });
      expect(redis?.inputs.kmsKeyId).toBeTruthy();
      const [parameters] = ofType(s, "aws:elasticache/parameterGroup:ParameterGroup");
      expect(parameters?.inputs.parameters).toContainEqual({ name: "maxmemory-policy", value: "allkeys-lru" });
      const [memoryDb] = ofType(s, "aws:memorydb/cluster:Cluster");
      expect(memoryDb?.inputs.tlsEnabled).toBe(true);
      expect(memoryDb?.inputs.kmsKeyArn).toBeTruthy();
      expect(named(s, "aws:docdb/cluster:Cluster", "DocumentDbCluster").inputs.storageEncrypted).toBe(true);
      expect(ofType(s, "aws:redshiftserverless/namespace:Namespace")[0]?.inputs.kmsKeyId).toBeTruthy();
    });
  });

  describe(`messaging (${stage})`, () => {
    it("creates the catalog's queues with their FIFO, visibility, long polling, retention and DLQ settings", () => {
      for (const spec of Object.values(queues)) {
        const queue = withInput(s, "aws:sqs/queue:Queue", "name", physical(stage, spec.name));
        // A dead-letter destination itself (analytics') has no redrive: it keeps messages for the SQS maximum.
        if (!("deadLetter" in spec)) {
          expect(queue.inputs).toMatchObject({ messageRetentionSeconds: deadLetterRetentionSeconds, kmsMasterKeyId: expect.any(String) });
          continue;
        }
        expect(queue.inputs).toMatchObject({
          fifoQueue: spec.fifo,
          visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds,
          receiveWaitTimeSeconds: spec.receiveWaitSeconds,
          messageRetentionSeconds: spec.retentionSeconds,
        });
        expect(queue.inputs.kmsMasterKeyId).toBeTruthy();
        const dlq = withInput(s, "aws:sqs/queue:Queue", "name", physical(stage, spec.deadLetter.queueName));
        expect(dlq.inputs.messageRetentionSeconds).toBe(deadLetterRetentionSeconds);
        expect(JSON.parse(queue.inputs.redrivePolicy)).toEqual({
          deadLetterTargetArn: arnOf(dlq),
          maxReceiveCount: spec.deadLetter.maxReceiveCount,
        });
      }
      const payment = withInput(s, "aws:sqs/queue:Queue", "name", physical(stage, queues.paymentProcessing.name));
      expect(payment.inputs.contentBasedDeduplication).toBe(true);
    });

    it("delivers only live payment results (raw) to the order, notification and loyalty queues", () => {
      const subscriptions = ofType(s, "aws:sns/topicSubscription:TopicSubscription");
      const queueArn = (resource: string) => arnOf(named(s, "aws:sqs/queue:Queue", `${resource}Queue`));
      expect(topics.paymentResults.subscribers.map((x) => x.queue).sort()).toEqual(["loyaltyPaymentResults", "notification", "paymentResults"]);
      for (const subscriber of topics.paymentResults.subscribers) {
        const subscription = subscriptions.find((x) => x.inputs.endpoint === queueArn(queues[subscriber.queue].resource));
        expect(subscription?.inputs.rawMessageDelivery).toBe(true);
        expect(JSON.parse(subscription?.inputs.filterPolicy)).toEqual({ traffic: ["live"] });
        // The traffic mark is a message attribute, SNS's default filter scope.
        expect(subscription?.inputs.filterPolicyScope ?? "MessageAttributes").toBe("MessageAttributes");
      }
    });

    it("fans payment results out to the order, notification and loyalty queues with raw delivery", () => {
      const subscriptions = ofType(s, "aws:sns/topicSubscription:TopicSubscription");
      expect(subscriptions.map((x) => [x.inputs.protocol, x.inputs.rawMessageDelivery, x.inputs.endpoint]).sort()).toEqual(
        [
          ["sqs", true, arnOf(named(s, "aws:sqs/queue:Queue", "NotificationQueueQueue"))],
          ["sqs", true, arnOf(named(s, "aws:sqs/queue:Queue", "PaymentResultsQueueQueue"))],
          ["sqs", true, arnOf(named(s, "aws:sqs/queue:Queue", "LoyaltyPaymentResultsQueueQueue"))],
        ].sort(),
      );
    });

    it("creates the Kinesis streams with the catalog's shard counts and 24 h retention", () => {
      for (const spec of Object.values(streams)) {
        const stream = withInput(s, "aws:kinesis/stream:Stream", "name", physical(stage, spec.name));
        expect(stream.inputs).toMatchObject({ shardCount: spec.shards, retentionPeriod: 24, encryptionType: "KMS" });
      }
    });
  });

  describe(`security (${stage})`, () => {
    it("grants no IAM policy * on *", () => {
      const wildcards = policyDocuments(s).flatMap(({ owner, document }) =>
        asArray(document.Statement)
          .filter((st: any) => st.Effect === "Allow" && asArray(st.Action).includes("*") && asArray(st.Resource).includes("*"))
          .map(() => owner),
      );
      expect(policyDocuments(s).length).toBeGreaterThan(10);
      expect(wildcards).toEqual([]);
    });

    it("encrypts every log group, bucket, queue, topic, stream and table with the platform key", () => {
      const key = arnOf(named(s, "aws:kms/key:Key", "PlatformKey"));
      const keyOf: Record<string, (inputs: any) => unknown> = {
        "aws:cloudwatch/logGroup:LogGroup": (i) => i.kmsKeyId,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (i) =>
          i.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
        "aws:sqs/queue:Queue": (i) => i.kmsMasterKeyId,
        "aws:sns/topic:Topic": (i) => i.kmsMasterKeyId,
        "aws:kinesis/stream:Stream": (i) => i.kmsKeyId,
        "aws:dynamodb/table:Table": (i) => i.serverSideEncryption.kmsKeyArn,
      };
      const unencrypted = Object.entries(keyOf).flatMap(([type, keyIn]) =>
        ofType(s, type).filter((r) => keyIn(r.inputs) !== key).map((r) => r.name),
      );
      expect(ofType(s, "aws:s3/bucket:Bucket")).toHaveLength(
        ofType(s, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").length,
      );
      expect(unencrypted).toEqual([]);
    });

    it(`makes the account's one trail and Config recorder only where the baseline is created (${settings.accountBaseline})`, () => {
      const owner = settings.accountBaseline === "create";
      expect(settings.accountBaseline).toBe(settings.production ? "create" : "none");
      const trails = ofType(s, "aws:cloudtrail/trail:Trail");
      expect(trails.map((t) => [t.inputs.name, t.inputs.isMultiRegionTrail, t.inputs.enableLogFileValidation])).toEqual(
        owner ? [["cloudcafe-audit", true, true]] : [],
      );
      expect(ofType(s, "aws:cfg/recorder:Recorder").map((r) => r.inputs.name)).toEqual(owner ? ["cloudcafe-config"] : []);
      expect(ofType(s, "aws:cfg/deliveryChannel:DeliveryChannel")).toHaveLength(owner ? 1 : 0);
      expect(ofType(s, "aws:cfg/rule:Rule").length > 0).toBe(owner);
    });
  });

  describe(`observability (${stage})`, () => {
    it(`keeps every log group ${settings.logRetentionDays} days`, () => {
      const retention = ofType(s, "aws:cloudwatch/logGroup:LogGroup").map((g) => [g.name, g.inputs.retentionInDays]);
      expect(retention.length).toBeGreaterThan(10);
      expect(retention.filter(([, days]) => days !== settings.logRetentionDays)).toEqual([]);
    });

    it("raises the six alarms with the architecture's thresholds and durations, to the alarm topic", () => {
      const alarms = ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm");
      const summary = Object.fromEntries(
        alarms
          .filter((a) => a.name !== "AlarmPaymentDurationGuard" && !Object.keys(faultAlarms).some((key) => a.name === `Alarm${key[0]!.toUpperCase()}${key.slice(1)}`))
          .map((a) => [a.name, [a.inputs.threshold, a.inputs.comparisonOperator, a.inputs.evaluationPeriods]]),
      );
      expect(summary).toEqual({
        AlarmAlb5xxRate: [5, "GreaterThanThreshold", 5],
        AlarmDatabaseConnections: [Math.floor(settings.aurora.maxConnections * 0.8), "GreaterThanThreshold", 10],
        AlarmDynamoUserErrors: [100, "GreaterThanThreshold", 5],
        AlarmLambdaErrorRate: [2, "GreaterThanThreshold", 5],
        AlarmEcsRunningBelowDesired: [0, "GreaterThanThreshold", 3],
        AlarmCacheHitRate: [70, "LessThanThreshold", 15],
      });
      expect(Object.keys(ALARMS)).toHaveLength(6);
      const topic = withInput(s, "aws:sns/topic:Topic", "name", `cloudcafe-${stage}-alarms`);
      for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([arnOf(topic)]);
    });

    it("guards the Lambda delay experiment with the payment processor's p99 duration above half its timeout for 3 minutes", () => {
      const guard = named(s, "aws:cloudwatch/metricAlarm:MetricAlarm", "AlarmPaymentDurationGuard");
      expect(guard.inputs).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Duration",
        extendedStatistic: PAYMENT_DURATION_GUARD.extendedStatistic,
        dimensions: { FunctionName: `cloudcafe-${stage}-payment-processor` },
        period: 60,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 15_000,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
      });
      expect(guard.inputs.threshold).toBe(eventSourceMappings.paymentProcessor.timeoutSeconds * 1000 * PAYMENT_DURATION_GUARD.shareOfTimeout);
    });

    it("has a dashboard of every stress scenario and the order and payment metrics, each searched on its emitted dimensions", () => {
      const [dashboard] = ofType(s, "aws:cloudwatch/dashboard:Dashboard");
      const widgets = JSON.parse(dashboard!.inputs.dashboardBody).widgets as { type: string; properties: Record<string, any> }[];
      const expressions = widgets.flatMap((w) => (w.properties.metrics ?? []).map((m: any[]) => m[0]?.expression)).filter(Boolean);
      const stressMetrics = [
        ...Object.entries(cpuScenarios).map(([, spec]) => [metricNamespaces[spec.service], spec.metric]),
        ...Object.entries(workloadScenarios).map(([, spec]) => [metricNamespaces[spec.service], spec.durationMetric]),
      ];
      for (const [namespace, metric] of stressMetrics) {
        expect(expressions).toContain(`SEARCH('{${namespace},service,scenario} MetricName="${metric}"', '${metric.endsWith("P99") ? "Maximum" : "Average"}', 60)`);
      }
      expect(expressions).toContain(`SEARCH('{CloudCafe/OrderService,service,route} MetricName="RequestLatency"', 'p99', 60)`);
      expect(expressions).toContain(`SEARCH('{CloudCafe/PaymentProcessor,service,outcome} MetricName="PaymentProcessed"', 'Sum', 60)`);
      const avalanche = widgets.find((w) => w.properties.title === "cold-start-avalanche: p99 ms");
      expect(avalanche?.properties.annotations.horizontal).toEqual([{ label: "p99 target", value: 3000 }]);
      const dlqs = widgets.find((w) => w.properties.title?.startsWith("Dead-letter queues"));
      expect(dlqs?.properties.metrics.map((m: string[]) => m[3]).sort()).toEqual(
        Object.values(queues)
          .flatMap((q) => ("deadLetter" in q && q.deadLetter ? [physical(stage, q.deadLetter.queueName)] : []))
          .sort(),
      );
      const alarmWidget = widgets.find((w) => w.type === "alarm");
      expect(alarmWidget?.properties.alarms).toHaveLength(ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").length);
    });
  });

  describe(`chaos and cost (${stage})`, () => {
    it("defines an FIS experiment for every scenario of the fault registry FIS can cause, each stopped by its alarm", () => {
      const templates = ofType(s, "aws:fis/experimentTemplate:ExperimentTemplate");
      const alarmArns = new Map(ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [arnOf(a), a.name]));
      const byExperiment = new Map(templates.map((t) => [t.name.replace(/^Chaos-/, ""), t]));
      // MemoryDB fails a shard over to a replica: a stage without replicas has no such experiment.
      const expected = Object.keys(EXPERIMENTS).filter((name) => name !== "memorydb-restart" || settings.memoryDb.replicasPerShard > 0);
      expect([...byExperiment.keys()].sort()).toEqual(expected.sort());
      for (const [name, template] of byExperiment) {
        expect(template.inputs.actions.map((a: any) => a.actionId), name).toEqual(template.inputs.actions.map(() => EXPERIMENTS[name]!.action));
        // Never without a stop condition: the alarm the registry names for the scenario.
        expect(template.inputs.stopConditions, name).toHaveLength(1);
        expect(template.inputs.stopConditions[0].source).toBe("aws:cloudwatch:alarm");
        const stopAlarm = alarmArns.get(template.inputs.stopConditions[0].value);
        expect(stopAlarm, name).toBe(`Alarm${EXPERIMENTS[name]!.stopAlarm[0]!.toUpperCase()}${EXPERIMENTS[name]!.stopAlarm.slice(1)}`);
      }
      for (const id of fisFaults) {
        const mechanism = faults[id].aws;
        if (mechanism.kind === "application") continue;
        if (id === "memorydb-restart" && settings.memoryDb.replicasPerShard === 0) continue;
        expect(EXPERIMENTS[mechanism.experiment]?.stopAlarm, id).toBe(faults[id].stopAlarm);
      }
      const ecs = templates.find((t) => t.inputs.actions[0].actionId === "aws:ecs:stop-task");
      expect(ecs?.inputs.targets[0].selectionMode).toBe("PERCENT(50)");
      const ec2 = byExperiment.get("ec2-terminate")!;
      expect(ec2.inputs.targets.map((t: any) => t.name)).toEqual(["loyalty", "analytics"]);
      expect(ec2.inputs.targets[1].resourceArns).toEqual([arnOf(named(s, "aws:ec2/instance:Instance", "AnalyticsWorker"))]);
    });

    // "Use the aws:ssm:start-automation-execution action" and the Automation actions reference (onCancel, isCritical):
    // https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html#ssm-actions-reference-start-automation
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-actions.html
    it("runs the control-plane faults as the platform's runbooks, which restore what they changed, even when FIS stops them", () => {
      const automations = ofType(s, "aws:fis/experimentTemplate:ExperimentTemplate").filter((t) => t.inputs.actions[0].actionId === AUTOMATION_ACTION);
      expect(automations.map((t) => t.name.replace(/^Chaos-/, "")).sort()).toEqual(
        ["alb-rule-deletion", "lambda-throttling", "sg-ingress-revocation", ...(settings.memoryDb.replicasPerShard > 0 ? ["memorydb-restart"] : [])].sort(),
      );
      const documents = new Map(ofType(s, "aws:ssm/document:Document").map((d) => [arnOf(d), d]));
      for (const template of automations) {
        const parameters = Object.fromEntries(template.inputs.actions[0].parameters.map((p: any) => [p.key, p.value]));
        const document = documents.get(parameters.documentArn);
        expect(document?.inputs.documentType, template.name).toBe("Automation");
        const content = JSON.parse(document!.inputs.content);
        const given = JSON.parse(parameters.documentParameters);
        // Every parameter the runbook declares is given, starting with the role it runs as.
        expect(Object.keys(given).sort(), template.name).toEqual(Object.keys(content.parameters).sort());
        expect(parameters.maxDuration).toMatch(/^PT\d+S$/);
        const steps = content.mainSteps as { name: string; onCancel?: string; onFailure?: string; isCritical?: boolean }[];
        const restores = steps.filter((step) => step.name.startsWith("restore"));
        if (template.name === "Chaos-alb-rule-deletion" || template.name === "Chaos-memorydb-restart") {
          expect(restores, template.name).toEqual([]);
          continue;
        }
        for (const step of steps.filter((st) => !st.name.startsWith("restore"))) {
          expect([step.onFailure, step.onCancel], `${template.name} ${step.name}`).toEqual(["step:restore0", "step:restore0"]);
        }
        expect(restores.every((step) => step.isCritical)).toBe(true);
      }
      const throttle = automations.find((t) => t.name === "Chaos-lambda-throttling")!;
      const throttleDoc = JSON.parse(documents.get(throttle.inputs.actions[0].parameters[0].value)!.inputs.content);
      expect(throttleDoc.mainSteps[0].inputs).toMatchObject({ Api: "PutFunctionConcurrency", ReservedConcurrentExecutions: 0 });
      const restore = throttleDoc.mainSteps.at(-1).inputs;
      expect(restore.Api).toBe(settings.paymentReservedConcurrency === undefined ? "DeleteFunctionConcurrency" : "PutFunctionConcurrency");
      const deletion = automations.find((t) => t.name === "Chaos-alb-rule-deletion")!;
      const given = JSON.parse(deletion.inputs.actions[0].parameters.find((p: any) => p.key === "documentParameters").value);
      expect(Object.keys(given).filter((k) => k.startsWith("RuleArn"))).toHaveLength(albRule("order").pathPatterns.length);
    });

    it("lets each runbook's role make exactly its calls, and FIS start, watch and stop the runbooks and pass their roles", () => {
      const roles = ofType(s, "aws:iam/rolePolicy:RolePolicy").filter((p) => /^Runbook.*Policy$/.test(p.name));
      const actions = Object.fromEntries(roles.map((p) => [p.name, JSON.parse(p.inputs.policy).Statement.flatMap((st: any) => asArray(st.Action)).sort()]));
      expect(actions).toMatchObject({
        RunbookDeleteListenerRulePolicy: ["elasticloadbalancing:DeleteRule"],
        RunbookRevokeServiceIngressPolicy: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        RunbookThrottleFunctionPolicy: ["lambda:DeleteFunctionConcurrency", "lambda:PutFunctionConcurrency"],
      });
      const fisRuns = JSON.parse(named(s, "aws:iam/rolePolicy:RolePolicy", "FisRunsRunbooks").inputs.policy).Statement;
      expect(fisRuns.map((st: any) => st.Action)).toEqual(["ssm:StartAutomationExecution", ["ssm:GetAutomationExecution", "ssm:StopAutomationExecution"], "iam:PassRole"]);
      expect(fisRuns[2].Resource).toHaveLength(roles.length);
    });

    it("raises the fault registry's own alarms: ALB 4XX rate, payment queue age, unhealthy loyalty targets, throttled DynamoDB attempts, MemoryDB and DocumentDB unreachable", () => {
      for (const [key, spec] of Object.entries(faultAlarms)) {
        const alarm = named(s, "aws:cloudwatch/metricAlarm:MetricAlarm", `Alarm${key[0]!.toUpperCase()}${key.slice(1)}`);
        expect([alarm.inputs.threshold, alarm.inputs.comparisonOperator, alarm.inputs.evaluationPeriods], key).toEqual([spec.threshold, spec.comparison, spec.minutes]);
      }
      const age = named(s, "aws:cloudwatch/metricAlarm:MetricAlarm", "AlarmPaymentQueueAge");
      expect(age.inputs).toMatchObject({ namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: physical(stage, queues.paymentProcessing.name) } });
    });

    it("keeps the application-level faults in one SSM parameter the order path reads, never overwritten by a deploy", () => {
      const parameter = named(s, "aws:ssm/parameter:Parameter", "ChaosFaultParameter");
      expect(parameter.inputs).toMatchObject({ name: `/cloudcafe-${stage}-chaos/faults`, type: "String", value: "{}" });
      expect(env("payment-processor")).toMatchObject({ [FAULTS_PARAMETER_ENV]: `/cloudcafe-${stage}-chaos/faults` });
      for (const reader of ["payment-processor", "order-submission"]) {
        const reads = roleStatements(s, fn(reader)).filter((st) => asArray(st.Action).includes("ssm:GetParameter"));
        expect(reads, reader).toEqual([{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [arnOf(parameter)] }]);
      }
    });

    const template = (name: string) => withInput(s, "aws:fis/experimentTemplate:ExperimentTemplate", "description", name);
    const parameters = (t: ReturnType<typeof template>) =>
      Object.fromEntries(t.inputs.actions[0].parameters.map((p: any) => [p.key, p.value]));
    const stopAlarmOf = (t: ReturnType<typeof template>) =>
      ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => arnOf(a) === t.inputs.stopConditions[0].value)?.name;

    it("fails and delays payment processor invocations, stopped by its error-rate alarm and its duration guard", () => {
      const payment = arnOf(fn("payment-processor"));
      const error = template("Fail a quarter of payment processor invocations for five minutes");
      const delay = template("Delay half of payment processor invocations by 3 s for five minutes");
      for (const t of [error, delay]) {
        expect(t.inputs.targets).toEqual([
          { name: "targets", resourceType: "aws:lambda:function", selectionMode: "ALL", resourceArns: [payment] },
        ]);
        expect(t.inputs.actions[0].target).toEqual({ key: "Functions", value: "targets" });
      }
      expect([error.inputs.actions[0].actionId, parameters(error), stopAlarmOf(error)]).toEqual([
        "aws:lambda:invocation-error",
        { duration: "PT5M", invocationPercentage: "25", preventExecution: "true" },
        "AlarmLambdaErrorRate",
      ]);
      expect([delay.inputs.actions[0].actionId, parameters(delay), stopAlarmOf(delay)]).toEqual([
        "aws:lambda:invocation-add-delay",
        { duration: "PT5M", invocationPercentage: "50", startupDelayMilliseconds: "3000" },
        "AlarmPaymentDurationGuard",
      ]);
    });

    it("keeps the FIS Lambda fault configs in a private, KMS-encrypted, TLS-only bucket", () => {
      const bucket = named(s, "aws:s3/bucket:Bucket", "FisConfigBucket");
      const block = named(s, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "FisConfigBucketPrivate");
      expect(block.inputs).toMatchObject({
        bucket: idOf(bucket),
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const encryption = named(
        s,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "FisConfigBucketEncryption",
      );
      expect(encryption.inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: arnOf(named(s, "aws:kms/key:Key", "PlatformKey")),
      });
      const policy = JSON.parse(named(s, "aws:s3/bucketPolicy:BucketPolicy", "FisConfigBucketPolicy").inputs.policy);
      expect(policy.Statement).toEqual([
        expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
    });

    it("loads FIS's Lambda extension into the payment processor with the config location and read access to it", () => {
      const bucket = arnOf(named(s, "aws:s3/bucket:Bucket", "FisConfigBucket"));
      const payment = fn("payment-processor");
      const parameter = fisExtensionParameter("arm64");
      expect(payment.inputs.architectures).toEqual(["arm64"]);
      expect(lookups("aws:ssm/getParameter:getParameter").sort()).toEqual([AMAZON_LINUX_AMI_PARAMETER, parameter].sort());
      expect(payment.inputs.layers).toEqual([mockParameterValue(parameter)]);
      expect(env("payment-processor")).toMatchObject({
        AWS_FIS_CONFIGURATION_LOCATION: `${bucket}/${FIS_CONFIG_PREFIX}`,
        AWS_LAMBDA_EXEC_WRAPPER: FIS_EXEC_WRAPPER,
      });
      const s3 = roleStatements(s, payment).filter((st) => asArray(st.Action).some((a: string) => a.startsWith("s3:")));
      expect(s3).toEqual([
        {
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: [bucket],
          Condition: { StringLike: { "s3:prefix": [`${FIS_CONFIG_PREFIX}*`] } },
        },
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucket}/${FIS_CONFIG_PREFIX}*`] },
      ]);
      // The objects are encrypted with the platform key, which the function may already decrypt with.
      expect(roleStatements(s, payment)).toContainEqual({
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [arnOf(named(s, "aws:kms/key:Key", "PlatformKey"))],
      });
    });

    it("lets the FIS role write and delete fault configs in that folder only, and inspect the payment processor", () => {
      const bucket = arnOf(named(s, "aws:s3/bucket:Bucket", "FisConfigBucket"));
      const { Statement } = JSON.parse(named(s, "aws:iam/rolePolicy:RolePolicy", "FisRoleExtras").inputs.policy);
      const forActions = (prefix: string) => Statement.filter((st: any) => asArray(st.Action).some((a: string) => a.startsWith(prefix)));
      expect(forActions("s3:")).toEqual([
        { Sid: "WriteLambdaFaultConfigs", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/${FIS_CONFIG_PREFIX}*` },
      ]);
      expect(forActions("kms:")).toEqual([
        { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: arnOf(named(s, "aws:kms/key:Key", "PlatformKey")) },
      ]);
      expect(forActions("lambda:")).toEqual([
        { Effect: "Allow", Action: ["lambda:GetFunction", "lambda:ListTags"], Resource: arnOf(fn("payment-processor")) },
      ]);
      expect(forActions("tag:")).toEqual([{ Effect: "Allow", Action: "tag:GetResources", Resource: "*" }]);
    });

    it("watches the architecture's $40 a day: actual spend daily, forecast spend monthly (no forecasts on daily budgets)", () => {
      const budgets = ofType(s, "aws:budgets/budget:Budget").map((b) => [
        b.inputs.timeUnit,
        b.inputs.limitAmount,
        b.inputs.notifications.map((n: any) => `${n.notificationType} ${n.threshold}%`),
      ]);
      expect(budgets.sort()).toEqual([
        ["DAILY", "40.00", ["ACTUAL 80%", "ACTUAL 100%"]],
        ["MONTHLY", "1200.00", ["FORECASTED 100%"]],
      ]);
    });

    it(`uses removal "${settings.removal}" and ${settings.production ? "protects" : "does not protect"} the stage`, () => {
      expect(appSettings(stage)).toMatchObject({ removal: settings.removal, protect: settings.production });
      expect(named(s, "aws:lb/loadBalancer:LoadBalancer", "AlbLoadBalancer").inputs.enableDeletionProtection).toBe(
        settings.deletionProtection,
      );
    });
  });
}

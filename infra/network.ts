/**
 * VPC 10.0.0.0/16 over three AZs: public (ALB, NAT), private (compute) and database subnets, one NAT gateway to keep
 * the bill down, flow logs, and the security groups of the architecture's table (plus the VPC Lattice ingress the
 * order service's Lattice targets need). Production's replica region gets a small database-only VPC of its own.
 */
import { servicePort } from "@cloudcafe/catalog";
import { serviceRole } from "./iam.ts";
import { pascalCase, stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

export const VPC_CIDR = "10.0.0.0/16";
/** The replica region's VPC; must not overlap the primary's, so the two can be peered if DR ever needs it. */
export const REPLICA_VPC_CIDR = "10.1.0.0/16";
export const SUBNET_TIERS = {
  public: [1, 2, 3],
  private: [11, 12, 13],
  database: [21, 22, 23],
} as const;
export const PORTS = { http: 80, https: 443, ssh: 22, postgres: 5432, redis: 6379, redshift: 5439, documentDb: 27017 };

type Tier = keyof typeof SUBNET_TIERS;

/** AWS-managed prefix list of the addresses VPC Lattice reaches its targets from (health checks included). */
export const latticePrefixListName = (region: string) => `com.amazonaws.${region}.vpc-lattice`;

export function network(settings: StageSettings, key: PlatformKey) {
  const zones = ["a", "b", "c"].map((letter) => `${settings.region}${letter}`);
  const vpc = new aws.ec2.Vpc("Vpc", {
    cidrBlock: VPC_CIDR,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    tags: { Name: stageName("vpc") },
  });
  const internetGateway = new aws.ec2.InternetGateway("InternetGateway", { vpcId: vpc.id });

  const subnets = (tier: Tier) =>
    SUBNET_TIERS[tier].map(
      (octet, i) =>
        new aws.ec2.Subnet(`${pascalCase(tier)}Subnet${i + 1}`, {
          vpcId: vpc.id,
          cidrBlock: `10.0.${octet}.0/24`,
          availabilityZone: zones[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: stageName(`${tier}-${zones[i]}`), "cloudcafe:tier": tier },
        }),
    );
  const publicSubnets = subnets("public");
  const privateSubnets = subnets("private");
  const databaseSubnets = subnets("database");

  const natIp = new aws.ec2.Eip("NatIp", { domain: "vpc" });
  const nat = new aws.ec2.NatGateway("NatGateway", {
    subnetId: publicSubnets[0]!.id,
    allocationId: natIp.id,
    tags: { Name: stageName("nat") },
  });

  routeTable("Public", vpc, publicSubnets, { gatewayId: internetGateway.id });
  routeTable("Private", vpc, privateSubnets, { natGatewayId: nat.id });
  // Databases never reach the internet.
  routeTable("Database", vpc, databaseSubnets);

  flowLogs(vpc, settings, key);

  const namespace = new aws.servicediscovery.PrivateDnsNamespace("ServiceNamespace", {
    name: `${$app.stage}.${$app.name}.internal`,
    vpc: vpc.id,
  });
  const latticePrefixList = aws.ec2.getManagedPrefixListOutput({ name: latticePrefixListName(settings.region) });

  return {
    vpc,
    zones,
    publicSubnetIds: publicSubnets.map((s) => s.id),
    privateSubnetIds: privateSubnets.map((s) => s.id),
    databaseSubnetIds: databaseSubnets.map((s) => s.id),
    namespace,
    latticePrefixListId: latticePrefixList.id,
  };
}

export type Network = ReturnType<typeof network>;

function routeTable(
  tier: string,
  vpc: aws.ec2.Vpc,
  subnets: aws.ec2.Subnet[],
  defaultRoute?: { gatewayId?: $util.Input<string>; natGatewayId?: $util.Input<string> },
) {
  const table = new aws.ec2.RouteTable(`${tier}RouteTable`, {
    vpcId: vpc.id,
    routes: defaultRoute ? [{ cidrBlock: "0.0.0.0/0", ...defaultRoute }] : [],
  });
  subnets.forEach((subnet, i) => {
    new aws.ec2.RouteTableAssociation(`${tier}RouteTableAssociation${i + 1}`, {
      subnetId: subnet.id,
      routeTableId: table.id,
    });
  });
  return table;
}

function flowLogs(vpc: aws.ec2.Vpc, settings: StageSettings, key: PlatformKey) {
  const logGroup = new aws.cloudwatch.LogGroup("VpcFlowLogGroup", {
    name: `/aws/vpc/${stageName("flow-logs")}`,
    retentionInDays: settings.logRetentionDays,
    kmsKeyId: key.arn,
  });
  const role = serviceRole("VpcFlowLogRole", "vpc-flow-logs.amazonaws.com");
  new aws.iam.RolePolicy("VpcFlowLogRoleWrites", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: $interpolate`${logGroup.arn}:*`,
        },
      ],
    }),
  });
  return new aws.ec2.FlowLog("VpcFlowLog", {
    vpcId: vpc.id,
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: logGroup.arn,
    iamRoleArn: role.arn,
  });
}

/**
 * The security groups of the architecture's table. The ALB's group is created by the ALB component (edge.ts) and
 * passed in; every other group only admits its listed sources.
 */
export function securityGroups(net: Network, albSecurityGroupId: $util.Input<string>, apiLinkSecurityGroupId: $util.Input<string>) {
  const group = (name: string, description: string, ingress: aws.types.input.ec2.SecurityGroupIngress[]) =>
    new aws.ec2.SecurityGroup(`SecurityGroup-${name}`, {
      name: stageName(name),
      description,
      vpcId: net.vpc.id,
      ingress,
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "outbound" }],
    });
  type Source = { securityGroups?: $util.Input<string>[]; cidrBlocks?: string[]; prefixListIds?: $util.Input<string>[] };
  const tcp = (port: number, source: Source, description: string) => ({
    protocol: "tcp",
    fromPort: port,
    toPort: port,
    description,
    ...source,
  });

  // Beyond the architecture's table: the order service's tasks are VPC Lattice targets (edge.ts), and Lattice traffic,
  // health checks included, arrives from its managed prefix list rather than from a security group.
  const ecsTask = group("ecs-task-sg", "ECS tasks", [
    tcp(servicePort, { securityGroups: [albSecurityGroupId] }, "from ALB"),
    tcp(servicePort, { prefixListIds: [net.latticePrefixListId] }, "from VPC Lattice"),
  ]);
  const eksNode = group("eks-node-sg", "EKS nodes", [
    tcp(servicePort, { securityGroups: [albSecurityGroupId] }, "from ALB"),
    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [VPC_CIDR], description: "all from VPC" },
  ]);
  // Lambdas in the VPC only call out; nothing calls in.
  const lambda = group("lambda-sg", "Lambda functions in the VPC", []);
  // The NLB is internal; its callers are the container services, API Gateway's VPC link (public loyalty paths) and
  // the hourly function that starts the loyalty tier recalculation.
  const nlb = group("nlb-sg", "Internal NLB in front of loyalty", [
    tcp(servicePort, { securityGroups: [ecsTask.id, eksNode.id] }, "from compute"),
    tcp(servicePort, { securityGroups: [lambda.id] }, "from the tier-run function"),
    tcp(servicePort, { securityGroups: [apiLinkSecurityGroupId] }, "from API Gateway"),
  ]);
  const ec2 = group("ec2-sg", "EC2 instances", [
    tcp(servicePort, { securityGroups: [nlb.id] }, "from NLB"),
    tcp(PORTS.ssh, { cidrBlocks: [VPC_CIDR] }, "ssh from VPC"),
  ]);
  // Not in the architecture's table: the analytics worker serves /api/analytics behind the ALB (loyalty, on ec2-sg too,
  // stays reachable from the NLB only).
  const analytics = group("analytics-sg", "Analytics worker: its HTTP side from the ALB", [
    tcp(servicePort, { securityGroups: [albSecurityGroupId] }, "from ALB"),
  ]);
  const compute = [ecsTask.id, eksNode.id, ec2.id, lambda.id];
  const rds = group("rds-sg", "Aurora PostgreSQL", [tcp(PORTS.postgres, { securityGroups: compute }, "from compute")]);
  const elasticache = group("elasticache-sg", "ElastiCache and MemoryDB", [
    tcp(PORTS.redis, { securityGroups: compute }, "from compute"),
  ]);
  const redshift = group("redshift-sg", "Redshift", [tcp(PORTS.redshift, { securityGroups: [ec2.id] }, "from EC2")]);
  // Not in the architecture's table, which predates DocumentDB's placement: only the menu pods on EKS read it.
  const documentDb = group("documentdb-sg", "DocumentDB", [
    tcp(PORTS.documentDb, { securityGroups: [eksNode.id] }, "from EKS nodes"),
  ]);

  return { ecsTask, eksNode, nlb, ec2, analytics, rds, elasticache, redshift, documentDb, lambda };
}

export type SecurityGroups = ReturnType<typeof securityGroups>;

/**
 * Production's replica region: a VPC with only database subnets over three AZs (no internet gateway, no NAT: Aurora
 * replicates through its storage layer, not through the VPC), the replica's subnet group and a security group that
 * admits PostgreSQL from inside that VPC only.
 */
export function replicaDatabaseNetwork(region: string, provider: aws.Provider) {
  const zones = ["a", "b", "c"].map((letter) => `${region}${letter}`);
  const vpc = new aws.ec2.Vpc(
    "ReplicaVpc",
    { cidrBlock: REPLICA_VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: stageName("replica-vpc") } },
    { provider },
  );
  const subnets = SUBNET_TIERS.database.map(
    (octet, i) =>
      new aws.ec2.Subnet(
        `ReplicaDatabaseSubnet${i + 1}`,
        {
          vpcId: vpc.id,
          cidrBlock: `10.1.${octet}.0/24`,
          availabilityZone: zones[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: stageName(`replica-database-${zones[i]}`), "cloudcafe:tier": "database" },
        },
        { provider },
      ),
  );
  const subnetGroup = new aws.rds.SubnetGroup(
    "ReplicaDatabaseSubnetGroup",
    { name: stageName("replica-database"), subnetIds: subnets.map((s) => s.id) },
    { provider },
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    "SecurityGroup-replica-rds-sg",
    {
      name: stageName("replica-rds-sg"),
      description: "Aurora replica: PostgreSQL from the replica VPC",
      vpcId: vpc.id,
      ingress: [{ protocol: "tcp", fromPort: PORTS.postgres, toPort: PORTS.postgres, cidrBlocks: [REPLICA_VPC_CIDR], description: "from the replica VPC" }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [REPLICA_VPC_CIDR], description: "within the replica VPC" }],
    },
    { provider },
  );
  return { vpc, subnets, subnetGroup, securityGroup };
}

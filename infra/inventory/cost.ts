/**
 * An estimate of what a stage costs per day when idle (always-on capacity only: no requests, data transfer, storage
 * growth, logs or per-use billing such as Redshift Serverless RPU-hours), from the resources the program creates and a
 * price table kept here, not live pricing. Prices: on-demand, us-east-1, USD, as published on each service's AWS
 * pricing page (`source`); recorded 2026-12-02. Only the Fargate rates were checked against a stored copy of their
 * page here (no internet); re-check the others on the pages before relying on a total.
 */
import type { MockedResource } from "../offline/sst-runtime.ts";

const HOURS = 24;

interface Price {
  readonly usdPerHour: number;
  readonly source: string;
}

export const PRICES = {
  natGateway: { usdPerHour: 0.045, source: "https://aws.amazon.com/vpc/pricing/" },
  publicIpv4: { usdPerHour: 0.005, source: "https://aws.amazon.com/vpc/pricing/" },
  loadBalancer: { usdPerHour: 0.0225, source: "https://aws.amazon.com/elasticloadbalancing/pricing/" },
  fargateVcpu: { usdPerHour: 0.04048, source: "https://aws.amazon.com/fargate/pricing/" },
  fargateGb: { usdPerHour: 0.004445, source: "https://aws.amazon.com/fargate/pricing/" },
  eksCluster: { usdPerHour: 0.1, source: "https://aws.amazon.com/eks/pricing/" },
  kinesisShard: { usdPerHour: 0.015, source: "https://aws.amazon.com/kinesis/data-streams/pricing/" },
  latticeService: { usdPerHour: 0.025, source: "https://aws.amazon.com/vpc/lattice/pricing/" },
  ebsGp3PerGb: { usdPerHour: 0.08 / 730, source: "https://aws.amazon.com/ebs/pricing/" },
  kmsKey: { usdPerHour: 1 / 730, source: "https://aws.amazon.com/kms/pricing/" },
  secret: { usdPerHour: 0.4 / 730, source: "https://aws.amazon.com/secrets-manager/pricing/" },
  alarm: { usdPerHour: 0.1 / 730, source: "https://aws.amazon.com/cloudwatch/pricing/" },
  dashboard: { usdPerHour: 3 / 730, source: "https://aws.amazon.com/cloudwatch/pricing/" },
} as const satisfies Record<string, Price>;

/** Instance classes the stages use, per hour. */
export const INSTANCE_PRICES: Record<string, Price> = {
  "t3.medium": { usdPerHour: 0.0416, source: "https://aws.amazon.com/ec2/pricing/on-demand/" },
  "t3.large": { usdPerHour: 0.0832, source: "https://aws.amazon.com/ec2/pricing/on-demand/" },
  // EKS nodes run on Spot: about 60% under on-demand (the architecture's figure), so 40% of it.
  "spot:t3.large": { usdPerHour: 0.0832 * 0.4, source: "https://aws.amazon.com/ec2/spot/pricing/" },
  "spot:m6i.large": { usdPerHour: 0.096 * 0.4, source: "https://aws.amazon.com/ec2/spot/pricing/" },
  "aurora:db.t4g.medium": { usdPerHour: 0.073, source: "https://aws.amazon.com/rds/aurora/pricing/" },
  "aurora:db.r6g.large": { usdPerHour: 0.26, source: "https://aws.amazon.com/rds/aurora/pricing/" },
  "cache.t4g.micro": { usdPerHour: 0.016, source: "https://aws.amazon.com/elasticache/pricing/" },
  "cache.r6g.large": { usdPerHour: 0.206, source: "https://aws.amazon.com/elasticache/pricing/" },
  "docdb:db.t4g.medium": { usdPerHour: 0.078, source: "https://aws.amazon.com/documentdb/pricing/" },
  "docdb:db.r6g.large": { usdPerHour: 0.277, source: "https://aws.amazon.com/documentdb/pricing/" },
  "memorydb:db.t4g.small": { usdPerHour: 0.046, source: "https://aws.amazon.com/memorydb/pricing/" },
  "memorydb:db.r6g.large": { usdPerHour: 0.3224, source: "https://aws.amazon.com/memorydb/pricing/" },
};

export interface CostLine {
  readonly item: string;
  readonly usdPerDay: number;
}

const daily = (price: Price, units = 1) => price.usdPerHour * HOURS * units;
const ofType = (resources: readonly MockedResource[], type: string) => resources.filter((r) => r.type === type);

function instancePrice(key: string): Price {
  const price = INSTANCE_PRICES[key];
  if (!price) throw new Error(`no price for ${key}: add it to INSTANCE_PRICES with its source`);
  return price;
}

/** The always-on daily cost of a synthesized stage, one line per kind of capacity. */
export function estimateDailyCost(resources: readonly MockedResource[]): CostLine[] {
  const lines: CostLine[] = [];
  const add = (item: string, usdPerDay: number) => usdPerDay > 0 && lines.push({ item, usdPerDay });
  const nat = ofType(resources, "aws:ec2/natGateway:NatGateway").length;
  add(`NAT gateway x${nat}`, daily(PRICES.natGateway, nat));
  const balancers = ofType(resources, "aws:lb/loadBalancer:LoadBalancer");
  add(`load balancers x${balancers.length}`, daily(PRICES.loadBalancer, balancers.length));
  // One address per AZ of an internet-facing load balancer, plus each NAT gateway's.
  const publicIps = balancers.filter((lb) => !lb.inputs.internal).reduce((n, lb) => n + (lb.inputs.subnets?.length ?? 3), 0) + nat;
  add(`public IPv4 addresses x${publicIps}`, daily(PRICES.publicIpv4, publicIps));
  for (const task of ofType(resources, "aws:ecs/taskDefinition:TaskDefinition")) {
    const target = ofType(resources, "aws:appautoscaling/target:Target")[0];
    const tasks = target?.inputs.minCapacity ?? 1;
    const vcpu = Number(task.inputs.cpu) / 1024;
    const gb = Number(task.inputs.memory) / 1024;
    add(`Fargate ${vcpu} vCPU/${gb} GB x${tasks} (minimum tasks)`, tasks * (daily(PRICES.fargateVcpu, vcpu) + daily(PRICES.fargateGb, gb)));
  }
  const asgs = ofType(resources, "aws:autoscaling/group:Group");
  for (const group of asgs) {
    const template = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find((t) => t.name === "LoyaltyLaunchTemplate");
    add(`EC2 ${template?.inputs.instanceType} x${group.inputs.minSize} (loyalty minimum)`, daily(instancePrice(template?.inputs.instanceType), group.inputs.minSize));
  }
  for (const instance of ofType(resources, "aws:ec2/instance:Instance")) {
    add(`EC2 ${instance.inputs.instanceType} (analytics worker)`, daily(instancePrice(instance.inputs.instanceType)));
  }
  const volumesGb = 30 * (asgs.reduce((n, g) => n + g.inputs.minSize, 0) + ofType(resources, "aws:ec2/instance:Instance").length);
  add(`EBS gp3 ${volumesGb} GB`, daily(PRICES.ebsGp3PerGb, volumesGb));
  const eks = ofType(resources, "aws:eks/cluster:Cluster").length;
  add(`EKS control plane x${eks}`, daily(PRICES.eksCluster, eks));
  for (const nodes of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) {
    const type = nodes.inputs.instanceTypes[0];
    add(`EKS spot ${type} x${nodes.inputs.scalingConfig.minSize}`, daily(instancePrice(`spot:${type}`), nodes.inputs.scalingConfig.minSize));
  }
  const aurora = ofType(resources, "aws:rds/clusterInstance:ClusterInstance");
  for (const cls of new Set(aurora.map((i) => i.inputs.instanceClass as string))) {
    const count = aurora.filter((i) => i.inputs.instanceClass === cls).length;
    add(`Aurora ${cls} x${count}`, daily(instancePrice(`aurora:${cls}`), count));
  }
  for (const redis of ofType(resources, "aws:elasticache/replicationGroup:ReplicationGroup")) {
    add(`ElastiCache ${redis.inputs.nodeType} x${redis.inputs.numCacheClusters}`, daily(instancePrice(redis.inputs.nodeType), redis.inputs.numCacheClusters));
  }
  const docdb = ofType(resources, "aws:docdb/clusterInstance:ClusterInstance");
  if (docdb.length) add(`DocumentDB ${docdb[0]!.inputs.instanceClass} x${docdb.length}`, daily(instancePrice(`docdb:${docdb[0]!.inputs.instanceClass}`), docdb.length));
  for (const memorydb of ofType(resources, "aws:memorydb/cluster:Cluster")) {
    const nodes = memorydb.inputs.numShards * (1 + memorydb.inputs.numReplicasPerShard);
    add(`MemoryDB ${memorydb.inputs.nodeType} x${nodes}`, daily(instancePrice(`memorydb:${memorydb.inputs.nodeType}`), nodes));
  }
  const shards = ofType(resources, "aws:kinesis/stream:Stream").reduce((n, stream) => n + stream.inputs.shardCount, 0);
  add(`Kinesis shards x${shards}`, daily(PRICES.kinesisShard, shards));
  const lattice = ofType(resources, "aws:vpclattice/service:Service").length;
  add(`VPC Lattice services x${lattice}`, daily(PRICES.latticeService, lattice));
  const small =
    daily(PRICES.kmsKey, ofType(resources, "aws:kms/key:Key").length) +
    daily(PRICES.secret, ofType(resources, "aws:secretsmanager/secret:Secret").length + 3) +
    daily(PRICES.alarm, ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").length) +
    daily(PRICES.dashboard, ofType(resources, "aws:cloudwatch/dashboard:Dashboard").length);
  add("KMS keys, secrets, alarms, dashboard", small);
  return lines;
}

export const totalPerDay = (lines: readonly CostLine[]) => lines.reduce((sum, line) => sum + line.usdPerDay, 0);

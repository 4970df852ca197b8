/**
 * The data layer: Aurora PostgreSQL, the three DynamoDB tables, DocumentDB, ElastiCache Redis, MemoryDB and Redshift
 * Serverless, all encrypted with the platform key, all in the database subnets.
 */
import { analyticsWarehouse, documentDatabase, postgres, redis, tables, type TableSpec } from "@cloudcafe/catalog";
import { limitedName, physicalName, stageName } from "./naming.ts";
import { replicaDatabaseNetwork, type Network, type SecurityGroups } from "./network.ts";
import { keyUsage, rotateEvery30Days, type PlatformKey } from "./security.ts";
import { SST_DEV_ENGINES, type StageSettings } from "./stage.ts";

/**
 * Aurora PostgreSQL's major version. The minor is the region's default for new clusters at creation (read in the
 * program), after which AWS's automatic minor upgrades own it: the program never pins a minor that AWS has moved past,
 * so no later deploy asks for a downgrade.
 */
export const AURORA_POSTGRES_MAJOR = "16";
/** DocumentDB's engine version, matching its `docdb5.0` parameter group (the default engine is newer). */
export const DOCUMENTDB_VERSION = "5.0.0";
export const DOCUMENTDB_FAMILY = "docdb5.0";
export const DATABASE_USERNAME = "cloudcafe";
export const DOCUMENTDB_USERNAME = "cloudcafe";
/** The Redshift Serverless namespace's database (the catalog's, as the local Data API stand-in serves it). */
export const ANALYTICS_DATABASE = analyticsWarehouse.database;
const DYNAMO_STREAM_VIEW = { NEW_IMAGE: "new-image", NEW_AND_OLD_IMAGES: "new-and-old-images" } as const;

export function dynamoTable(spec: TableSpec, key: PlatformKey, settings: StageSettings) {
  return new sst.aws.Dynamo(spec.resource, {
    fields: {
      [spec.partitionKey.name]: spec.partitionKey.type === "S" ? "string" : "number",
      ...(spec.sortKey ? { [spec.sortKey.name]: spec.sortKey.type === "S" ? "string" : "number" } : {}),
    },
    primaryIndex: { hashKey: spec.partitionKey.name, rangeKey: spec.sortKey?.name },
    ttl: spec.ttlAttribute,
    stream: spec.stream ? DYNAMO_STREAM_VIEW[spec.stream] : undefined,
    deletionProtection: settings.deletionProtection,
    transform: {
      table: (args) => {
        args.name = physicalName(spec.name);
        args.billingMode = spec.billing;
        args.pointInTimeRecovery = { enabled: spec.pointInTimeRecovery };
        args.serverSideEncryption = { enabled: true, kmsKeyArn: key.arn };
      },
    },
  });
}

/**
 * Aurora PostgreSQL on Graviton with an RDS-managed master secret rotated every 30 days. The link carries where the
 * database is and which secret holds the current credentials; the password itself is never baked into a function.
 * In `sst dev` the link points at the local platform's PostgreSQL instead.
 */
function aurora(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  const engine = aws.rds.getEngineVersionOutput({ engine: "aurora-postgresql", version: AURORA_POSTGRES_MAJOR, defaultOnly: true });
  const engineVersion = engine.versionActual;
  const ownsVersion = { ignoreChanges: ["engineVersion"] };
  const subnetGroup = new aws.rds.SubnetGroup("DatabaseSubnetGroup", { subnetIds: net.databaseSubnetIds });
  const parameters = new aws.rds.ClusterParameterGroup("DatabaseParameters", {
    family: `aurora-postgresql${AURORA_POSTGRES_MAJOR}`,
    parameters: [{ name: "rds.force_ssl", value: "1" }],
  });
  const clusterIdentifier = stageName("aurora");
  const credentials = masterCredentials(key, settings);
  const logGroup = new aws.cloudwatch.LogGroup("DatabaseLogGroup", {
    name: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
    retentionInDays: settings.logRetentionDays,
    kmsKeyId: key.arn,
  });
  const cluster = new aws.rds.Cluster(
    "DatabaseCluster",
    {
      clusterIdentifier,
      engine: "aurora-postgresql",
      engineVersion,
      databaseName: postgres.database,
      masterUsername: DATABASE_USERNAME,
      ...credentials.cluster,
      port: postgres.port,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [groups.rds.id],
      dbClusterParameterGroupName: parameters.name,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      backupRetentionPeriod: settings.aurora.backupRetentionDays,
      preferredBackupWindow: "03:00-04:00",
      copyTagsToSnapshot: true,
      deletionProtection: settings.deletionProtection,
      skipFinalSnapshot: !settings.production,
      finalSnapshotIdentifier: settings.production ? `${clusterIdentifier}-final` : undefined,
      enabledCloudwatchLogsExports: ["postgresql"],
      iamDatabaseAuthenticationEnabled: true,
    },
    { dependsOn: [logGroup], ...ownsVersion, ...credentials.options },
  );
  const instances = Array.from({ length: settings.aurora.instances }, (_, i) =>
    new aws.rds.ClusterInstance(`DatabaseInstance${i + 1}`, {
      clusterIdentifier: cluster.id,
      identifier: `${clusterIdentifier}-${i + 1}`,
      engine: "aurora-postgresql",
      engineVersion,
      instanceClass: settings.aurora.instanceClass,
      dbSubnetGroupName: subnetGroup.name,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key.arn,
      autoMinorVersionUpgrade: true,
    }, ownsVersion),
  );
  const secretArn = credentials.secretArn ?? cluster.masterUserSecrets.apply((secrets) => secrets[0]!.secretArn);
  if (!credentials.secretArn) rotateEvery30Days("DatabaseSecretRotation", secretArn);
  if (settings.replicaRegion) crossRegionReplica(cluster, engineVersion, settings, settings.replicaRegion);

  const link = new sst.Linkable(postgres.resource, {
    properties: $dev
      ? { host: SST_DEV_ENGINES.host, port: postgres.port, database: postgres.database, username: SST_DEV_ENGINES.postgresUser }
      : {
          host: cluster.endpoint,
          readerHost: cluster.readerEndpoint,
          port: postgres.port,
          database: postgres.database,
          username: DATABASE_USERNAME,
          secretArn,
        },
    include: [
      sst.aws.permission({ actions: ["secretsmanager:GetSecretValue"], resources: [secretArn] }),
      keyUsage(key),
    ],
  });
  return { cluster, instances, link, secretArn };
}

/**
 * The master user's password. Aurora manages it in Secrets Manager (rotated every 30 days) except for a cluster in a
 * Global Database, where Aurora's Secrets Manager integration is not supported ("Limitations for Secrets Manager
 * integration with Amazon Aurora"): there the program generates it once into a KMS-encrypted secret of the same
 * shape (`username`, `password`), which later deploys leave alone; rotating it is an operator step (infra/README.md).
 */
function masterCredentials(key: PlatformKey, settings: StageSettings) {
  if (!settings.replicaRegion) {
    return { cluster: { manageMasterUserPassword: true, masterUserSecretKmsKeyId: key.arn }, options: {}, secretArn: undefined };
  }
  const generated = aws.secretsmanager.getRandomPasswordOutput({ passwordLength: 40, excludePunctuation: true });
  const secret = new aws.secretsmanager.Secret("DatabaseMasterSecret", { name: stageName("aurora-master"), kmsKeyId: key.arn });
  new aws.secretsmanager.SecretVersion(
    "DatabaseMasterSecretValue",
    {
      secretId: secret.id,
      secretString: $jsonStringify({ username: DATABASE_USERNAME, password: generated.randomPassword }),
    },
    { ignoreChanges: ["secretString"] },
  );
  return {
    cluster: { masterPassword: $util.secret(generated.randomPassword) },
    options: { ignoreChanges: ["masterPassword"] },
    secretArn: secret.arn as $util.Output<string>,
  };
}

/**
 * Production only: an Aurora Global Database secondary in the replica region for regional disaster recovery, in its
 * own database-only VPC there (network.ts).
 */
function crossRegionReplica(primary: aws.rds.Cluster, engineVersion: $util.Input<string>, settings: StageSettings, region: string) {
  const provider = new aws.Provider("ReplicaRegion", { region: region as aws.Region });
  const replicaNet = replicaDatabaseNetwork(region, provider);
  const global = new aws.rds.GlobalCluster("DatabaseGlobal", {
    globalClusterIdentifier: stageName("aurora-global"),
    sourceDbClusterIdentifier: primary.arn,
    forceDestroy: !settings.production,
    deletionProtection: settings.deletionProtection,
  });
  const replicaKey = new aws.kms.Key(
    "ReplicaRegionKey",
    { description: `CloudCafe ${$app.stage} replica encryption`, enableKeyRotation: true },
    { provider },
  );
  const replica = new aws.rds.Cluster(
    "DatabaseReplica",
    {
      clusterIdentifier: stageName("aurora-replica"),
      engine: "aurora-postgresql",
      engineVersion,
      globalClusterIdentifier: global.id,
      sourceRegion: settings.region,
      storageEncrypted: true,
      kmsKeyId: replicaKey.arn,
      dbSubnetGroupName: replicaNet.subnetGroup.name,
      vpcSecurityGroupIds: [replicaNet.securityGroup.id],
      backupRetentionPeriod: settings.aurora.backupRetentionDays,
      deletionProtection: settings.deletionProtection,
      skipFinalSnapshot: true,
    },
    { provider, dependsOn: [global], ignoreChanges: ["engineVersion"] },
  );
  new aws.rds.ClusterInstance(
    "DatabaseReplicaInstance",
    {
      clusterIdentifier: replica.id,
      engine: "aurora-postgresql",
      engineVersion,
      instanceClass: settings.aurora.instanceClass,
      dbSubnetGroupName: replicaNet.subnetGroup.name,
    },
    { provider, ignoreChanges: ["engineVersion"] },
  );
  return replica;
}

/**
 * DocumentDB for the menu service, TLS required, RDS-style managed secret rotated every 30 days. The `MenuDocuments`
 * link says where the menu's database is and which secret holds the current password (read by the service when a
 * new connection needs it); in `sst dev` it points at the local platform's DocumentDB stand-in instead.
 */
function documentDb(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  const subnetGroup = new aws.docdb.SubnetGroup("DocumentDbSubnetGroup", { subnetIds: net.databaseSubnetIds });
  const parameters = new aws.docdb.ClusterParameterGroup("DocumentDbParameters", {
    family: DOCUMENTDB_FAMILY,
    parameters: [
      { name: "tls", value: "enabled" },
      { name: "audit_logs", value: "enabled" },
    ],
  });
  const cluster = new aws.docdb.Cluster("DocumentDbCluster", {
    clusterIdentifier: stageName("docdb"),
    engine: "docdb",
    engineVersion: DOCUMENTDB_VERSION,
    masterUsername: DOCUMENTDB_USERNAME,
    manageMasterUserPassword: true,
    dbSubnetGroupName: subnetGroup.name,
    dbClusterParameterGroupName: parameters.name,
    vpcSecurityGroupIds: [groups.documentDb.id],
    storageEncrypted: true,
    kmsKeyId: key.arn,
    backupRetentionPeriod: 7,
    deletionProtection: settings.deletionProtection,
    skipFinalSnapshot: !settings.production,
    finalSnapshotIdentifier: settings.production ? stageName("docdb-final") : undefined,
    enabledCloudwatchLogsExports: ["audit"],
  });
  Array.from({ length: settings.documentDb.instances }, (_, i) =>
    new aws.docdb.ClusterInstance(`DocumentDbInstance${i + 1}`, {
      clusterIdentifier: cluster.id,
      instanceClass: settings.documentDb.instanceClass,
    }),
  );
  const secretArn = cluster.masterUserSecrets.apply((secrets) => secrets[0]!.secretArn);
  rotateEvery30Days("DocumentDbSecretRotation", secretArn);
  const { database, port, connectionOptions } = documentDatabase;
  const connection = { host: cluster.endpoint, port, database, username: DOCUMENTDB_USERNAME, secretArn };
  const link = new sst.Linkable(documentDatabase.resource, {
    properties: $dev ? { url: `mongodb://${SST_DEV_ENGINES.host}:${port}/${database}?${new URLSearchParams(connectionOptions)}`, database } : connection,
    include: [sst.aws.permission({ actions: ["secretsmanager:GetSecretValue"], resources: [secretArn] })],
  });
  return { cluster, secretArn, connection, link };
}

/** ElastiCache Redis: LRU eviction, in-transit (required) and at-rest encryption. */
function cache(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  return new sst.aws.Redis(redis.resource, {
    engine: "redis",
    instance: settings.cache.nodeType.replace(/^cache\./, ""),
    cluster: false,
    parameters: { "maxmemory-policy": redis.evictionPolicy },
    dev: { host: SST_DEV_ENGINES.host, port: redis.port },
    vpc: { subnets: net.databaseSubnetIds, securityGroups: [groups.elasticache.id] },
    transform: {
      cluster: (args) => {
        args.replicationGroupId = limitedName("cache", 40);
        args.kmsKeyId = key.arn;
        args.numCacheClusters = settings.cache.nodes;
        args.automaticFailoverEnabled = settings.cache.nodes > 1;
        args.multiAzEnabled = settings.cache.nodes > 1;
        args.snapshotRetentionLimit = settings.production ? 7 : 0;
      },
    },
  });
}

/** MemoryDB for the inventory counters: durable Redis, TLS required, an IAM-authenticated ACL user (no password). */
function memoryDb(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  const user = new aws.memorydb.User("MemoryDbUser", {
    userName: stageName("inventory"),
    accessString: "on ~* &* +@all",
    authenticationMode: { type: "iam" },
  });
  const acl = new aws.memorydb.Acl("MemoryDbAcl", { name: stageName("inventory"), userNames: [user.userName] });
  const subnetGroup = new aws.memorydb.SubnetGroup("MemoryDbSubnetGroup", {
    name: stageName("memorydb"),
    subnetIds: net.databaseSubnetIds,
  });
  const cluster = new aws.memorydb.Cluster("MemoryDbCluster", {
    name: stageName("memorydb"),
    nodeType: settings.memoryDb.nodeType,
    numShards: 1,
    numReplicasPerShard: settings.memoryDb.replicasPerShard,
    aclName: acl.name,
    tlsEnabled: true,
    kmsKeyArn: key.arn,
    subnetGroupName: subnetGroup.name,
    securityGroupIds: [groups.elasticache.id],
    snapshotRetentionLimit: settings.production ? 7 : 1,
  });
  return { cluster, username: user.userName };
}

/** Redshift Serverless for analytics; queried through the Data API, admin password managed by Secrets Manager. */
function redshift(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  const namespace = new aws.redshiftserverless.Namespace("AnalyticsNamespace", {
    namespaceName: stageName(analyticsWarehouse.workgroupSuffix),
    dbName: ANALYTICS_DATABASE,
    adminUsername: "cloudcafe",
    manageAdminPassword: true,
    adminPasswordSecretKmsKeyId: key.arn,
    kmsKeyId: key.arn,
    logExports: ["userlog", "connectionlog", "useractivitylog"],
  });
  const workgroup = new aws.redshiftserverless.Workgroup("AnalyticsWorkgroup", {
    workgroupName: stageName(analyticsWarehouse.workgroupSuffix),
    namespaceName: namespace.namespaceName,
    baseCapacity: settings.redshift.baseCapacityRpus,
    subnetIds: net.databaseSubnetIds,
    securityGroupIds: [groups.redshift.id],
    publiclyAccessible: false,
    enhancedVpcRouting: true,
    port: 5439,
    configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
  });
  return { namespace, workgroup, databaseName: namespace.dbName };
}

export type Analytics = ReturnType<typeof redshift>;

export function data(net: Network, groups: SecurityGroups, key: PlatformKey, settings: StageSettings) {
  return {
    activeOrders: dynamoTable(tables.activeOrders, key, settings),
    paymentTransactions: dynamoTable(tables.paymentTransactions, key, settings),
    storeInventory: dynamoTable(tables.storeInventory, key, settings),
    customerNotifications: dynamoTable(tables.customerNotifications, key, settings),
    analyticsLeases: dynamoTable(tables.analyticsLeases, key, settings),
    database: aurora(net, groups, key, settings),
    cache: cache(net, groups, key, settings),
    // The lean profile leaves these out (stage.ts): their services do not run on such a stage.
    documentDb: settings.includes.documentDb ? documentDb(net, groups, key, settings) : undefined,
    memoryDb: settings.includes.memoryDb ? memoryDb(net, groups, key, settings) : undefined,
    redshift: settings.includes.redshift ? redshift(net, groups, key, settings) : undefined,
  };
}

export type Data = ReturnType<typeof data>;

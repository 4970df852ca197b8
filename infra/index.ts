/**
 * The whole CloudCafe platform for one stage, in dependency order. sst.config.ts calls this from `run()`; the infra
 * tests call it under Pulumi mocks.
 */
import { albRule, eventSourceMappings, postgres, services } from "@cloudcafe/catalog";
import { analyticsApi, analyticsWorkerAccess, analyticsWorkerBoot, analyticsWorkerImage, orderEventsConsumer } from "./analytics.ts";
import { backupPlan } from "./backup.ts";
import { chaosExperiments, fisLambdaExtension } from "./chaos.ts";
import { eksPlatform, kubernetesOnEks, menuWorkload } from "./compute-eks.ts";
import { ec2Platform } from "./compute-ec2.ts";
import { loyaltyEnvironmentParameter, loyaltyFunctions, loyaltyInstancePermissions, loyaltyServiceUrl } from "./loyalty.ts";
import { inventoryOrderEnvironment, inventoryStreamConsumer, inventoryWorkload } from "./compute-inventory.ts";
import { menuOnFargate } from "./compute-menu.ts";
import { orderCluster, orderEcsNames, orderService } from "./compute-order.ts";
import { budgets } from "./cost.ts";
import { DATABASE_USERNAME, data } from "./data.ts";
import { apiLinkSecurityGroup, apiListenerKey, cdn, certificate, loadBalancer, restApi, serviceNetwork, serviceRoutes } from "./edge.ts";
import { analyticsReader, databaseMigration, notificationSender, orderFunctions, paymentInvoker, paymentProcessor, stressFunctions } from "./functions.ts";
import { messaging } from "./messaging.ts";
import { network, securityGroups } from "./network.ts";
import { dashboard } from "./dashboard.ts";
import { faultRegistryAlarms } from "./chaos-alarms.ts";
import { faultParameter } from "./chaos-faults.ts";
import { alarms, alarmTopic, paymentDurationGuard } from "./observability.ts";
import { accountBaseline, keyUsage, operatorTokenSecret, platformKey } from "./security.ts";
import { SST_DEV_ENGINES, stageSettings } from "./stage.ts";
import { webConsole } from "./web.ts";

export async function cloudCafe() {
  const settings = stageSettings($app.stage);
  const key = platformKey(settings);
  accountBaseline(key, settings);
  const operatorToken = operatorTokenSecret();

  const net = network(settings, key);
  const cert = certificate(settings);
  const apiLink = apiLinkSecurityGroup(net);
  const alb = loadBalancer(net, cert, settings, apiLink);
  const groups = securityGroups(net, alb.securityGroupId, apiLink.id);
  const routed = serviceRoutes(net, alb, settings);

  const store = data(net, groups, key, settings);
  const bus = messaging(key);
  backupPlan(
    [
      store.database.cluster.arn,
      ...(store.documentDb ? [store.documentDb.cluster.arn] : []),
      store.activeOrders.nodes.table.arn,
      store.paymentTransactions.nodes.table.arn,
      store.storeInventory.nodes.table.arn,
      store.customerNotifications.nodes.table.arn,
      store.analyticsLeases.nodes.table.arn,
    ],
    store.redshift?.namespace,
    key,
    settings,
  );

  // The application-level faults of the fault registry: the order path reads them (DynamoDB throttling, the cache
  // flush and eviction pressure in the order service, the payment gateway's egress in the payment processor).
  const applicationFaults = faultParameter();
  const orderLinks = [
    applicationFaults.link,
    store.activeOrders,
    store.database.link,
    store.cache,
    bus.orderEvents,
    bus.queues.orderSubmission,
    bus.queues.paymentProcessing,
    // READY goes to the customer through the notification queue; the console reads their inbox from the table.
    bus.queues.notification,
    store.customerNotifications,
    operatorToken,
  ];
  const kms = keyUsage(key);
  const lattice = serviceNetwork(net, [groups.ecsTask.id, groups.eksNode.id, groups.ec2.id, groups.lambda.id]);
  const eks = settings.includes.eks ? eksPlatform(net, groups, key, settings, lattice.invoke) : undefined;
  const fnContext = { net, groups, settings, key, keyUsage: kms };
  // The deploy migrates Aurora before any service that reads it starts (`sst dev` runs against the laptop's database).
  const migrated = $dev ? [] : [databaseMigration(fnContext, store.database.link).invocation];
  const cluster = orderCluster(net, groups);
  // In `sst dev` the Menu service runs on the laptop (npm start), as the order service does. The full profile runs it
  // on EKS over DocumentDB, as the architecture draws it; the lean profile, which has neither, on Fargate over Aurora.
  const k8s = eks && !$dev ? kubernetesOnEks(eks, net, settings) : undefined;
  if (eks && k8s && store.documentDb) {
    const links = { documents: store.documentDb.connection, cache: store.cache, operatorToken };
    menuWorkload(eks, k8s, routed.menu, links, key, settings);
  } else if (!$dev) {
    menuOnFargate(cluster, routed.menu, [store.database.link, store.cache, operatorToken], key, settings, migrated);
  }
  // The Inventory service needs MemoryDB (its counters and rate limits); the lean profile has neither.
  const inventoryLinks = store.memoryDb ? { table: store.storeInventory, memoryDb: store.memoryDb, operatorToken } : undefined;
  const inventoryPods = eks && k8s && inventoryLinks ? inventoryWorkload(eks, k8s, routed.inventory, lattice.inventory, inventoryLinks, key, settings) : undefined;
  // In `sst dev` the Loyalty service runs on the laptop (npm start); deployed, its instances read this environment.
  const loyaltyLinks = {
    database: { host: store.database.cluster.endpoint, port: postgres.port, database: postgres.database, username: DATABASE_USERNAME, secretArn: store.database.secretArn },
    cache: store.cache,
    operatorToken,
  };
  const loyaltyEnvironment = $dev ? undefined : loyaltyEnvironmentParameter(loyaltyLinks, key, settings.region, store.redshift, migrated);
  const analyticsBoot = store.redshift ? analyticsWorkerBoot(bus, store.analyticsLeases, store.redshift, settings.region) : undefined;
  const ec2 = ec2Platform(net, groups, key, settings, loyaltyEnvironment, analyticsBoot);
  if (loyaltyEnvironment) loyaltyInstancePermissions(ec2.loyaltyRoleName.apply((role) => role!), loyaltyEnvironment, loyaltyLinks, store.redshift);
  if (store.redshift) analyticsWorkerAccess(ec2.analyticsRoleName as $util.Output<string>, bus, store.analyticsLeases, store.redshift, key);
  if (store.redshift && !$dev) analyticsWorkerImage(ec2.repository);
  const analyticsReads = store.redshift ? analyticsApi({ net, groups, settings, key, keyUsage: kms }, store.redshift) : undefined;

  const apiBase = cert && settings.domain ? `https://api.${settings.domain.name}` : $interpolate`http://${alb.nodes.loadBalancer.dnsName}`;
  const { api } = restApi(
    net,
    {
      alb: { arn: alb.nodes.loadBalancer.arn, baseUrl: apiBase },
      nlb: { arn: ec2.nlb.arn, baseUrl: $interpolate`http://${ec2.nlb.dnsName}:${services.loyalty.port}` },
    },
    apiLink,
    key,
    settings,
    analyticsReads?.addRoutes,
  );
  const { distribution } = cdn(api, webConsole(key, settings), cert, settings);

  // The order service prices from the Menu service at its public route (API Gateway -> VPC link -> the ALB's /api/menu
  // rule): the ALB takes no connections from inside the VPC, and VPC Lattice holds the order and inventory services
  // only. In `sst dev`, the laptop's gateway.
  // Orders reserve stock with the Inventory service over VPC Lattice where its pods run (not in `sst dev` or the lean profile).
  const orderEnvironment = {
    MENU_SERVICE_URL: $dev ? SST_DEV_ENGINES.gatewayUrl : api.url,
    ...applicationFaults.environment,
    ...(inventoryPods ? inventoryOrderEnvironment(lattice.inventory.service) : {}),
  };
  const orderTasks = orderService(cluster, alb, { targetGroupArn: lattice.order.targetGroup.arn, invoke: lattice.invoke }, orderLinks, orderEnvironment, key, settings, migrated);
  const ecsNames = orderEcsNames();

  const fis = fisLambdaExtension(key, settings);
  const paymentLinks = [store.paymentTransactions, bus.paymentResultsTopic, applicationFaults.link];
  const payment = paymentProcessor(fnContext, paymentLinks, bus.queues.paymentProcessing, fis, applicationFaults.environment);
  orderFunctions(fnContext, orderLinks, bus.queues.orderSubmission, bus.queues.paymentResults, orderEnvironment, [lattice.invoke]);
  if (inventoryLinks) inventoryStreamConsumer(fnContext, inventoryLinks, bus.queues.stockStreamFailures);
  loyaltyFunctions(fnContext, { database: store.database.link, cache: store.cache, operatorToken }, bus.queues.loyaltyPaymentResults, loyaltyServiceUrl(ec2.nlb.dnsName), migrated);
  notificationSender(fnContext, bus.queues.notification, store.customerNotifications);
  orderEventsConsumer(fnContext, bus, orderEnvironment);
  stressFunctions(fnContext, [operatorToken], {
    "cold-start-avalanche": paymentInvoker(payment),
    ...(store.redshift ? { "query-storm": analyticsReader(store.redshift) } : {}),
  });

  const topic = alarmTopic(key);
  const alarmSet = alarms(topic, {
    albArnSuffix: alb.nodes.loadBalancer.arnSuffix,
    databaseClusterId: store.database.cluster.clusterIdentifier,
    databaseMaxConnections: settings.aurora.maxConnections,
    paymentFunctionName: payment.name,
    ecsClusterName: ecsNames.cluster,
    ecsServiceName: ecsNames.service,
    cacheClusterId: $interpolate`${store.cache.clusterId}-001`,
  });
  const stopAlarms = {
    ...alarmSet,
    paymentDurationGuard: paymentDurationGuard(topic, payment.name, eventSourceMappings.paymentProcessor.timeoutSeconds),
  };
  const faultAlarms = faultRegistryAlarms(topic, {
    albArnSuffix: alb.nodes.loadBalancer.arnSuffix,
    paymentQueueName: bus.queues.paymentProcessing.nodes.queue.name,
    loyaltyNlbArnSuffix: ec2.nlb.arnSuffix,
    loyaltyTargetGroupArnSuffix: ec2.targetGroup.arnSuffix,
    cacheClusterId: $interpolate`${store.cache.clusterId}-001`,
  });
  dashboard(settings.region, [...Object.values(stopAlarms), ...Object.values(faultAlarms)].map((alarm) => alarm.arn));
  const apiListener = alb.nodes.listeners[apiListenerKey(settings)]!;
  const orderRule = albRule("order");
  chaosExperiments(
    {
      ecsClusterName: ecsNames.cluster,
      ecsServiceName: ecsNames.service,
      orderRuleArns: orderRule.pathPatterns.map(
        (_, i) => aws.lb.getListenerRuleOutput({ listenerArn: apiListener.arn, priority: orderRule.priority + i }, { dependsOn: [orderTasks] }).arn,
      ),
      orderSecurityGroupId: groups.ecsTask.id,
      albSecurityGroupId: alb.securityGroupId,
      servicePort: services.order.port,
      paymentFunctionName: payment.name,
      paymentReservedConcurrency: settings.paymentReservedConcurrency,
      // A shard fails over to a replica: a stage without replicas (dev) has nothing to fail over to.
      ...(store.memoryDb && settings.memoryDb.replicasPerShard > 0 ? { memoryDbCluster: { name: store.memoryDb.cluster.name, arn: store.memoryDb.cluster.arn } } : {}),
      ...(store.redshift ? { analyticsInstanceArn: ec2.analyticsWorker.arn } : {}),
      eksNodeGroupArn: eks?.nodeGroup.arn,
      loyaltyGroupName: ec2.loyaltyGroup.name,
      databaseClusterArn: store.database.cluster.arn,
      paymentFunctionArn: payment.arn,
      privateSubnetArns: net.privateSubnetIds.map(
        (id) => $interpolate`arn:aws:ec2:${settings.region}:${aws.getCallerIdentityOutput().accountId}:subnet/${id}`,
      ),
    },
    { ...stopAlarms, ...faultAlarms },
    key,
    fis,
    settings.logRetentionDays,
  );
  budgets(settings, topic);

  return {
    cdn: $interpolate`https://${distribution.domainName}`,
    api: api.url,
    alb: alb.url,
    loyaltyNlb: ec2.nlb.dnsName,
  };
}

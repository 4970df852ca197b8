/**
 * The edge: one TLS certificate, the internet-facing ALB (HTTP redirects to HTTPS; path rules to the order, menu and
 * inventory target groups), API Gateway in front of the order Lambda, CloudFront in front of API Gateway and the web
 * console, and the VPC Lattice service network for service-to-service calls.
 */
import { albRule, services } from "@cloudcafe/catalog";
import { PORTS, type Network } from "./network.ts";
import { limitedName, pascalCase, stageName } from "./naming.ts";
import { encryptedLogGroup, type PlatformKey } from "./security.ts";
import { sstLogRetention, type StageSettings } from "./stage.ts";

/** TLS 1.2 or newer on every listener we terminate. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const CLOUDFRONT_TLS_POLICY = "TLSv1.2_2021";

/** A certificate for the stage's name and its subdomains, validated through the operator's Route 53 zone. */
export function certificate(settings: StageSettings) {
  const zone = aws.route53.getZoneOutput({ name: settings.domain.zone });
  const cert = new aws.acm.Certificate("Certificate", {
    domainName: settings.domain.name,
    subjectAlternativeNames: [`*.${settings.domain.name}`],
    validationMethod: "DNS",
  });
  // The apex and the wildcard share one validation record.
  const validation = cert.domainValidationOptions.apply((options) => options[0]!);
  const record = new aws.route53.Record("CertificateValidationRecord", {
    zoneId: zone.zoneId,
    name: validation.resourceRecordName,
    type: validation.resourceRecordType,
    records: [validation.resourceRecordValue],
    ttl: 60,
    allowOverwrite: true,
  });
  const validated = new aws.acm.CertificateValidation("CertificateValidation", {
    certificateArn: cert.arn,
    validationRecordFqdns: [record.fqdn],
  });
  return { arn: validated.certificateArn, zoneId: zone.zoneId };
}

export type Certificate = ReturnType<typeof certificate>;

export function loadBalancer(net: Network, cert: Certificate, settings: StageSettings) {
  const alb = new sst.aws.Alb("Alb", {
    vpc: { id: net.vpc.id, publicSubnets: net.publicSubnetIds, privateSubnets: net.privateSubnetIds },
    domain: { name: `api.${settings.domain.name}`, cert: cert.arn, dns: sst.aws.dns({ zone: cert.zoneId }) },
    listeners: [
      { port: PORTS.http, protocol: "http" },
      { port: PORTS.https, protocol: "https" },
    ],
    transform: {
      // This group is the architecture's alb-sg: 80 and 443 from anywhere, nothing else.
      securityGroup: (args) => {
        args.name = stageName("alb-sg");
        args.description = "ALB: HTTP and HTTPS from the internet";
        args.ingress = [PORTS.http, PORTS.https].map((port) => ({
          protocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrBlocks: ["0.0.0.0/0"],
          description: `${port} from anywhere`,
        }));
      },
      loadBalancer: (args) => {
        args.name = limitedName("alb", 32);
        args.dropInvalidHeaderFields = true;
        args.enableDeletionProtection = settings.deletionProtection;
      },
      listener: (args) => {
        if (args.protocol === "HTTPS") {
          args.sslPolicy = ALB_TLS_POLICY;
          return;
        }
        args.defaultActions = [
          { type: "redirect", redirect: { protocol: "HTTPS", port: String(PORTS.https), statusCode: "HTTP_301" } },
        ];
      },
    },
  });
  return alb;
}

/**
 * Target groups and rules for the EKS services. Their pods register through the AWS Load Balancer Controller's
 * TargetGroupBinding when the menu and inventory workloads are deployed.
 */
export function eksServiceRoutes(net: Network, alb: sst.aws.Alb) {
  const httpsListener = alb.nodes.listeners[`HTTPS${PORTS.https}`]!;
  return (["menu", "inventory"] as const).map((service) => {
    const targetGroup = new aws.lb.TargetGroup(`${pascalCase(service)}TargetGroup`, {
      name: limitedName(`${service}-tg`, 32),
      vpcId: net.vpc.id,
      port: services[service].port,
      protocol: "HTTP",
      targetType: "ip",
      healthCheck: { path: services[service].healthPath, matcher: "200" },
    });
    const rule = albRule(service);
    new aws.lb.ListenerRule(`${pascalCase(service)}ListenerRule`, {
      listenerArn: httpsListener.arn,
      priority: rule.priority,
      conditions: [{ pathPattern: { values: [...rule.pathPatterns] } }],
      actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    });
    return targetGroup;
  });
}

/** API Gateway (REST) in front of the order Lambda; the app serves under `/api/orders`. */
export function restApi(orderApi: sst.aws.Function, key: PlatformKey, settings: StageSettings) {
  const api = new sst.aws.ApiGatewayV1("Api", {
    endpoint: { type: "regional" },
    accessLog: { retention: sstLogRetention(settings) },
    transform: {
      accessLog: encryptedLogGroup(key),
      stage: (args) => {
        args.xrayTracingEnabled = true;
      },
    },
  });
  api.route(`ANY ${services.order.pathPrefix}`, orderApi.arn);
  api.route(`ANY ${services.order.pathPrefix}/{proxy+}`, orderApi.arn);
  api.deploy();
  return api;
}

/** CloudFront: `/api/*` to API Gateway, everything else to the web console's private bucket (web.ts). */
export function cdn(api: sst.aws.ApiGatewayV1, webBucket: aws.s3.Bucket, cert: Certificate, settings: StageSettings) {
  const accessControl = new aws.cloudfront.OriginAccessControl("WebConsoleAccess", {
    name: stageName("web"),
    originAccessControlOriginType: "s3",
    signingBehavior: "always",
    signingProtocol: "sigv4",
  });
  const apiUrl = api.url.apply((url) => new URL(url));
  const distribution = new aws.cloudfront.Distribution("Cdn", {
    enabled: true,
    aliases: [settings.domain.name],
    defaultRootObject: "index.html",
    priceClass: settings.production ? "PriceClass_All" : "PriceClass_100",
    origins: [
      {
        originId: "web",
        domainName: webBucket.bucketRegionalDomainName,
        originAccessControlId: accessControl.id,
      },
      {
        originId: "api",
        domainName: apiUrl.hostname,
        originPath: apiUrl.pathname.apply((p) => p.replace(/\/$/, "")),
        customOriginConfig: {
          httpPort: PORTS.http,
          httpsPort: PORTS.https,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
        },
      },
    ],
    defaultCacheBehavior: {
      targetOriginId: "web",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      // AWS managed CachingOptimized policy.
      cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      compress: true,
    },
    orderedCacheBehaviors: [
      {
        pathPattern: "/api/*",
        targetOriginId: "api",
        viewerProtocolPolicy: "https-only",
        allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cachedMethods: ["GET", "HEAD"],
        // AWS managed CachingDisabled and AllViewerExceptHostHeader policies.
        cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
      },
    ],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: {
      acmCertificateArn: cert.arn,
      sslSupportMethod: "sni-only",
      minimumProtocolVersion: CLOUDFRONT_TLS_POLICY,
    },
  });
  new aws.s3.BucketPolicy("WebConsoleBucketPolicy", {
    bucket: webBucket.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CloudFrontReads",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: $interpolate`${webBucket.arn}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
        },
      ],
    }),
  });
  new aws.route53.Record("CdnAlias", {
    zoneId: cert.zoneId,
    name: settings.domain.name,
    type: "A",
    aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
  });
  return { distribution, webBucket };
}

/**
 * VPC Lattice: a service network holding the order and inventory services, associated with the VPC. Targets register
 * themselves: the order service's ECS tasks through the service's `vpcLatticeConfigurations` (compute-order.ts); the
 * inventory pods when the inventory workload lands on EKS (its own issue), until then its target group stays empty.
 */
export function serviceNetwork(net: Network, callers: $util.Input<string>[]) {
  const network = new aws.vpclattice.ServiceNetwork("ServiceNetwork", {
    name: stageName("services"),
    authType: "AWS_IAM",
  });
  const latticeSg = new aws.ec2.SecurityGroup("SecurityGroup-lattice-sg", {
    name: stageName("lattice-sg"),
    description: "VPC Lattice association: HTTP from compute",
    vpcId: net.vpc.id,
    ingress: [{ protocol: "tcp", fromPort: PORTS.http, toPort: PORTS.http, securityGroups: callers, description: "from compute" }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "outbound" }],
  });
  new aws.vpclattice.ServiceNetworkVpcAssociation("ServiceNetworkVpc", {
    serviceNetworkIdentifier: network.id,
    vpcIdentifier: net.vpc.id,
    securityGroupIds: [latticeSg.id],
  });
  const latticeService = (service: "order" | "inventory") => {
    const latticeService = new aws.vpclattice.Service(`Lattice${pascalCase(service)}`, {
      name: limitedName(service, 40),
      authType: "AWS_IAM",
    });
    const targetGroup = new aws.vpclattice.TargetGroup(`Lattice${pascalCase(service)}Targets`, {
      name: stageName(`${service}-lattice`),
      type: "IP",
      config: {
        vpcIdentifier: net.vpc.id,
        port: services[service].port,
        protocol: "HTTP",
        healthCheck: { enabled: true, path: services[service].healthPath },
      },
    });
    new aws.vpclattice.Listener(`Lattice${pascalCase(service)}Listener`, {
      name: "http",
      serviceIdentifier: latticeService.id,
      protocol: "HTTP",
      port: PORTS.http,
      defaultAction: { forwards: [{ targetGroups: [{ targetGroupIdentifier: targetGroup.id }] }] },
    });
    new aws.vpclattice.ServiceNetworkServiceAssociation(`Lattice${pascalCase(service)}Association`, {
      serviceIdentifier: latticeService.id,
      serviceNetworkIdentifier: network.id,
    });
    return { service: latticeService, targetGroup };
  };
  return { network, order: latticeService("order"), inventory: latticeService("inventory") };
}

export type ServiceNetwork = ReturnType<typeof serviceNetwork>;

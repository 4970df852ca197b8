/**
 * The edge, as the architecture draws it: CloudFront -> API Gateway (REST) -> the internet-facing ALB's path rules ->
 * the services, and for loyalty API Gateway -> the internal NLB. API Gateway reaches both load balancers through one
 * VPC link (V2, a private integration). With `CLOUDCAFE_DOMAIN`, one TLS certificate serves CloudFront and the ALB;
 * without it CloudFront's and API Gateway's own domains serve the stage and the ALB listens on HTTP inside the VPC
 * only. Also the VPC Lattice service network for service-to-service calls.
 */
import { albRule, albServices, publicRoutes, services, type AlbServiceKey, type PublicRoute } from "@cloudcafe/catalog";
import { PORTS, VPC_CIDR, type Network } from "./network.ts";
import { limitedName, pascalCase, stageName } from "./naming.ts";
import { encryptedLogGroup, type PlatformKey } from "./security.ts";
import { sstLogRetention, type StageSettings } from "./stage.ts";

/** TLS 1.2 or newer on every listener we terminate. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const CLOUDFRONT_TLS_POLICY = "TLSv1.2_2021";
/** CloudFront paths that go to API Gateway; everything else is the web console. */
export const API_BEHAVIOURS = ["/api/*", "/ready"] as const;

/** A certificate for the stage's name and its subdomains, validated through the operator's Route 53 zone. */
export function certificate(settings: StageSettings) {
  if (!settings.domain) return undefined;
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

/** The security group of API Gateway's VPC link: its connections to the load balancers come from it. */
export function apiLinkSecurityGroup(net: Network) {
  return new aws.ec2.SecurityGroup("SecurityGroup-api-link-sg", {
    name: stageName("api-link-sg"),
    description: "API Gateway VPC link: to the ALB and the NLB",
    vpcId: net.vpc.id,
    ingress: [],
    egress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [VPC_CIDR], description: "to the load balancers" }],
  });
}

/** The ALB listener API Gateway and the path rules use: HTTPS with a domain, else HTTP (reached only through the link). */
export const apiListenerKey = (settings: StageSettings) => (settings.domain ? `HTTPS${PORTS.https}` : `HTTP${PORTS.http}`);

export function loadBalancer(net: Network, cert: Certificate, settings: StageSettings, apiLink: aws.ec2.SecurityGroup) {
  const alb = new sst.aws.Alb("Alb", {
    vpc: { id: net.vpc.id, publicSubnets: net.publicSubnetIds, privateSubnets: net.privateSubnetIds },
    ...(cert && settings.domain
      ? { domain: { name: `api.${settings.domain.name}`, cert: cert.arn, dns: sst.aws.dns({ zone: cert.zoneId }) } }
      : {}),
    listeners: cert
      ? [
          { port: PORTS.http, protocol: "http" },
          { port: PORTS.https, protocol: "https" },
        ]
      : [{ port: PORTS.http, protocol: "http" }],
    transform: {
      // The architecture's alb-sg: 80 and 443 from anywhere. Without a certificate there is no HTTPS to offer the
      // internet, so only API Gateway's VPC link reaches the ALB, on 80.
      securityGroup: (args) => {
        args.name = stageName("alb-sg");
        args.description = cert ? "ALB: HTTP and HTTPS from the internet" : "ALB: HTTP from API Gateway's VPC link";
        args.ingress = cert
          ? [PORTS.http, PORTS.https].map((port) => ({
              protocol: "tcp",
              fromPort: port,
              toPort: port,
              cidrBlocks: ["0.0.0.0/0"],
              description: `${port} from anywhere`,
            }))
          : [{ protocol: "tcp", fromPort: PORTS.http, toPort: PORTS.http, securityGroups: [apiLink.id], description: "from API Gateway" }];
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
        if (!cert) return;
        args.defaultActions = [
          { type: "redirect", redirect: { protocol: "HTTPS", port: String(PORTS.https), statusCode: "HTTP_301" } },
        ];
      },
    },
  });
  return alb;
}

/**
 * Target groups and path rules for the ALB services other than the order service (whose rules its ECS service
 * creates): menu and inventory register their pods through the AWS Load Balancer Controller's TargetGroupBinding when
 * their workloads land on EKS; analytics is the analytics worker instance (compute-ec2.ts attaches it).
 */
export function serviceRoutes(net: Network, alb: sst.aws.Alb, settings: StageSettings) {
  const listener = alb.nodes.listeners[apiListenerKey(settings)]!;
  const routed = albServices.filter((service): service is Exclude<AlbServiceKey, "order"> => service !== "order");
  return Object.fromEntries(
    routed.map((service) => {
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
        listenerArn: listener.arn,
        priority: rule.priority,
        conditions: [{ pathPattern: { values: [...rule.pathPatterns] } }],
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      });
      return [service, targetGroup];
    }),
  ) as Record<Exclude<AlbServiceKey, "order">, aws.lb.TargetGroup>;
}

/** Where API Gateway sends a public route: the load balancer and the base of the URI it calls. */
interface LoadBalancerTarget {
  readonly arn: $util.Input<string>;
  readonly baseUrl: $util.Input<string>;
}

/**
 * API Gateway (REST, regional): every public route of the catalog (`npm run infra:routes`) is an HTTP proxy through
 * one VPC link to the ALB, or for services behind it, the NLB, with the path unchanged.
 */
export function restApi(
  net: Network,
  targets: { readonly alb: LoadBalancerTarget; readonly nlb: LoadBalancerTarget },
  apiLink: aws.ec2.SecurityGroup,
  key: PlatformKey,
  settings: StageSettings,
  addFunctionRoutes?: (api: sst.aws.ApiGatewayV1) => void,
) {
  const link = new aws.apigatewayv2.VpcLink("ApiVpcLink", {
    name: stageName("api"),
    subnetIds: net.privateSubnetIds,
    securityGroupIds: [apiLink.id],
  });
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
  for (const route of publicRoutes()) {
    // A function-served prefix joins through `addFunctionRoutes`, on the stages that deploy its function.
    if (route.via !== "function") privateRoute(api, route, route.via === "nlb" ? targets.nlb : targets.alb, link.id);
  }
  // Routes served by functions rather than a load balancer (the analytics read API); API Gateway deploys them with the rest.
  addFunctionRoutes?.(api);
  api.deploy();
  return { api, link };
}

function privateRoute(api: sst.aws.ApiGatewayV1, route: PublicRoute, target: LoadBalancerTarget, linkId: $util.Input<string>) {
  const greedy = route.path.endsWith("/{proxy+}");
  const path = greedy ? route.path.replace("{proxy+}", "{proxy}") : route.path;
  api.routeIntegration(
    `ANY ${route.path}`,
    { type: "http-proxy", integrationHttpMethod: "ANY", uri: $interpolate`${target.baseUrl}${path}` },
    {
      transform: {
        method: (args) => {
          if (greedy) args.requestParameters = { "method.request.path.proxy": true };
        },
        integration: (args) => {
          args.connectionType = "VPC_LINK";
          args.connectionId = linkId;
          args.integrationTarget = target.arn;
          if (greedy) args.requestParameters = { "integration.request.path.proxy": "method.request.path.proxy" };
        },
      },
    },
  );
}

/**
 * CloudFront Functions code (cloudfront-js-2.0) that serves the console's one page for its views: a request for a path
 * without a file extension (`/barista`, `/board`, `/ops`) is rewritten to `/index.html`; files and the API behaviours
 * are untouched. The local gateway does the same (`isConsoleRoute`).
 */
export const CONSOLE_ROUTES_FUNCTION = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) request.uri = "/index.html";
  return request;
}`;

/** CloudFront: the API paths to API Gateway, everything else to the web console's private bucket (web.ts). */
export function cdn(api: sst.aws.ApiGatewayV1, webBucket: aws.s3.Bucket, cert: Certificate, settings: StageSettings) {
  const accessControl = new aws.cloudfront.OriginAccessControl("WebConsoleAccess", {
    name: stageName("web"),
    originAccessControlOriginType: "s3",
    signingBehavior: "always",
    signingProtocol: "sigv4",
  });
  const apiUrl = api.url.apply((url) => new URL(url));
  const consoleRoutes = new aws.cloudfront.Function("ConsoleRoutes", {
    name: stageName("console-routes"),
    runtime: "cloudfront-js-2.0",
    comment: "The console's views are one page: extension-less paths get index.html",
    publish: true,
    code: CONSOLE_ROUTES_FUNCTION,
  });
  const distribution = new aws.cloudfront.Distribution("Cdn", {
    enabled: true,
    ...(cert && settings.domain ? { aliases: [settings.domain.name] } : {}),
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
      functionAssociations: [{ eventType: "viewer-request", functionArn: consoleRoutes.arn }],
    },
    orderedCacheBehaviors: API_BEHAVIOURS.map((pathPattern) => ({
      pathPattern,
      targetOriginId: "api",
      viewerProtocolPolicy: "https-only",
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      // AWS managed CachingDisabled and AllViewerExceptHostHeader policies.
      cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      originRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    })),
    restrictions: { geoRestriction: { restrictionType: "none" } },
    // Without a domain, CloudFront's own certificate for *.cloudfront.net.
    viewerCertificate: cert
      ? { acmCertificateArn: cert.arn, sslSupportMethod: "sni-only", minimumProtocolVersion: CLOUDFRONT_TLS_POLICY }
      : { cloudfrontDefaultCertificate: true },
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
  if (cert && settings.domain) {
    new aws.route53.Record("CdnAlias", {
      zoneId: cert.zoneId,
      name: settings.domain.name,
      type: "A",
      aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
    });
  }
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
  const order = latticeService("order");
  const inventory = latticeService("inventory");
  // With AWS_IAM auth and no auth policy, Lattice denies every request; a call needs both this policy's allow and the
  // caller's own vpc-lattice-svcs:Invoke, and must be SigV4-signed ("Control access to VPC Lattice services using auth
  // policies").
  const account = aws.getCallerIdentityOutput().accountId;
  const policy = $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SignedCallersOfThisAccount",
        Effect: "Allow",
        Principal: "*",
        Action: "vpc-lattice-svcs:Invoke",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:PrincipalAccount": account },
          StringNotEqualsIgnoreCase: { "aws:PrincipalType": "anonymous" },
        },
      },
    ],
  });
  new aws.vpclattice.AuthPolicy("ServiceNetworkAuthPolicy", { resourceIdentifier: network.arn, policy });
  for (const [name, target] of Object.entries({ order, inventory })) {
    new aws.vpclattice.AuthPolicy(`Lattice${pascalCase(name)}AuthPolicy`, { resourceIdentifier: target.service.arn, policy });
  }
  const invoke = sst.aws.permission({
    actions: ["vpc-lattice-svcs:Invoke"],
    resources: [order, inventory].map((target) => $interpolate`${target.service.arn}/*`),
  });
  return { network, order, inventory, invoke };
}

export type ServiceNetwork = ReturnType<typeof serviceNetwork>;

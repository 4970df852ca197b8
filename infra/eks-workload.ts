/**
 * One HTTP service's pods on EKS, the same way for each service that runs there: its image (service.Dockerfile) in an
 * ECR repository of its own, a service account with a Pod Identity role allowed `statements` and nothing else, its
 * configuration in a ConfigMap and its links in a Secret, a Deployment spread over the zones, a Service, and a
 * TargetGroupBinding that keeps the ready pods registered in its ALB target group.
 */
import { services } from "@cloudcafe/catalog";
import { CONTAINER_SERVICE_DOCKERFILE } from "./compute-order.ts";
import type { EksPlatform, KubernetesOnEks } from "./compute-eks.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

/** A role pods of one service account assume through EKS Pod Identity, allowed `statements` and nothing else. */
export function podRole(name: string, eks: EksPlatform, namespace: $util.Input<string>, serviceAccount: string, statements: aws.iam.PolicyStatement[]) {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    }),
    inlinePolicies: [{ name: "access", policy: $jsonStringify({ Version: "2012-10-17", Statement: statements }) }],
  });
  new aws.eks.PodIdentityAssociation(`${name}Association`, { clusterName: eks.cluster.name, namespace, serviceAccount, roleArn: role.arn });
  return role;
}

export interface EksWorkloadSpec {
  /** Prefix of every resource's logical name (`Menu` -> `MenuDeployment`). */
  readonly prefix: string;
  /** The catalog service it runs (`functions/<service>/src/server.ts`). */
  readonly service: "menu" | "inventory";
  /** Deployment, service account and Service name. */
  readonly name: string;
  readonly namespace: kubernetes.core.v1.Namespace;
  readonly replicas: number;
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  /** The ConfigMap (PORT, NODE_ENV and SST_RESOURCE_App are added). */
  readonly config: Record<string, $util.Input<string>>;
  /** The Secret: the SST links, as `SST_RESOURCE_<Name>` JSON. */
  readonly links: Record<string, $util.Input<string>>;
  /** What the pods' role may do. */
  readonly statements: aws.iam.PolicyStatement[];
  /** Variables the ConfigMap cannot hold (the pod's own IP from the downward API). */
  readonly env?: readonly { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
}

export function eksServiceWorkload(
  eks: EksPlatform,
  k8s: KubernetesOnEks,
  targetGroup: aws.lb.TargetGroup,
  spec: EksWorkloadSpec,
  key: PlatformKey,
  settings: StageSettings,
) {
  const { provider } = k8s;
  const { prefix } = spec;
  const repository = new aws.ecr.Repository(`${prefix}Images`, {
    name: stageName(spec.name),
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
    forceDelete: !settings.production,
  });
  const registry = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  const image = new dockerbuild.Image(`${prefix}Image`, {
    context: { location: $cli.paths.root },
    dockerfile: { location: `${$cli.paths.root}/${CONTAINER_SERVICE_DOCKERFILE}` },
    buildArgs: { SERVICE: spec.service },
    platforms: ["linux/amd64"],
    push: true,
    tags: [$interpolate`${repository.repositoryUrl}:${$app.stage}`],
    registries: [{ address: repository.repositoryUrl, username: registry.userName, password: registry.password }],
  });

  const labels = { app: spec.name };
  const metadata = { name: spec.name, namespace: spec.namespace.metadata.name, labels };
  const serviceAccount = new kubernetes.core.v1.ServiceAccount(`${prefix}ServiceAccount`, { metadata }, { provider });
  const role = podRole(`${prefix}PodRole`, eks, spec.namespace.metadata.name, spec.name, spec.statements);
  const port = services[spec.service].port;
  const config = new kubernetes.core.v1.ConfigMap(
    `${prefix}Config`,
    {
      metadata: { ...metadata, name: `${spec.name}-config` },
      data: { PORT: String(port), NODE_ENV: "production", ...spec.config, SST_RESOURCE_App: JSON.stringify({ name: $app.name, stage: $app.stage }) },
    },
    { provider },
  );
  const secret = new kubernetes.core.v1.Secret(`${prefix}Secret`, { metadata: { ...metadata, name: `${spec.name}-links` }, type: "Opaque", stringData: spec.links }, { provider });
  const probe = (initialDelaySeconds: number) => ({ httpGet: { path: services[spec.service].healthPath, port: "http" }, initialDelaySeconds, periodSeconds: 10 });
  const deployment = new kubernetes.apps.v1.Deployment(
    `${prefix}Deployment`,
    {
      metadata,
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // One replica per zone where possible, so losing an AZ leaves the others.
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
            ],
            containers: [
              {
                name: spec.service,
                image: image.ref,
                ports: [{ name: "http", containerPort: port }],
                envFrom: [{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: secret.metadata.name } }],
                ...(spec.env ? { env: [...spec.env] } : {}),
                resources: { requests: spec.requests, limits: spec.limits },
                readinessProbe: probe(5),
                livenessProbe: probe(30),
              },
            ],
          },
        },
      },
    },
    { provider },
  );
  const service = new kubernetes.core.v1.Service(
    `${prefix}Service`,
    { metadata, spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port, targetPort: "http" }] } },
    { provider },
  );
  const binding = new kubernetes.apiextensions.CustomResource(
    `${prefix}TargetGroupBinding`,
    {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata,
      spec: { serviceRef: { name: service.metadata.name, port }, targetGroupARN: targetGroup.arn, targetType: "ip" },
    },
    { provider, dependsOn: [k8s.loadBalancerController] },
  );
  return { repository, image, serviceAccount, role, config, secret, deployment, service, binding, metadata };
}

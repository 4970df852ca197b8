import { servicePort } from "@cloudcafe/catalog";
import { Resource } from "sst";
import { z } from "zod";

/**
 * How every service reads its configuration, once, at start: the SST links it declares (`Resource`, which reads
 * `SST_RESOURCE_<Name>` variables locally) and a few environment settings, each validated by a zod schema. A missing
 * or malformed value stops the start with a message naming it, instead of failing requests later.
 */
export function readLinks<S extends z.ZodObject>(service: string, schema: S, resources: Record<string, unknown> = linkedResources(schema)): z.output<S> {
  const parsed = schema.safeParse(resources);
  if (!parsed.success) throw new Error(`${service} links are missing or malformed:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function readEnvironment<S extends z.ZodObject>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`${service} environment is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Only the links the schema names are read, so a missing one is reported by the schema, not thrown by SST's proxy. */
function linkedResources(schema: z.ZodObject): Record<string, unknown> {
  const resources = Resource as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.keys(schema.shape).filter((name) => name in resources).map((name) => [name, resources[name]]));
}

/** The settings every HTTP service reads, whatever it serves; a service extends them with its own. */
export const httpServiceEnvironment = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(servicePort),
  /** Every interface in a container, pod or instance; `npm start` runs the services on 127.0.0.1. */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** The stress pool's worker as a built file (the container image bundles it next to the server). */
  STRESS_WORKER_FILE: z.string().min(1).optional(),
});

/** The `OperatorToken` link: the secret guarding destructive controls; without it every such call is refused. */
export const operatorTokenLink = z.object({ value: z.string().min(16) }).optional();

const localHosts = new Set(["127.0.0.1", "localhost", "::1"]);

/** Deployed hosts need TLS (Aurora, ElastiCache in-transit encryption); the local engines do not offer it. */
export const isLocalHost = (host: string) => localHosts.has(host);

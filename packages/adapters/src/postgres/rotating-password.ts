import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";

const rdsMasterSecret = z.object({ password: z.string().min(1) });

/**
 * The Aurora master password from its RDS-managed secret (rotated every 30 days). Read when a connection opens,
 * cached for a few minutes, so new connections pick up a rotated password without a restart.
 */
export function passwordFromSecret(
  secretArn: string,
  cacheMs = 5 * 60_000,
  client: Pick<SecretsManagerClient, "send"> = new SecretsManagerClient({}),
): () => Promise<string> {
  let cached: { value: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const { password } = rdsMasterSecret.parse(JSON.parse(SecretString ?? "{}"));
    cached = { value: password, until: Date.now() + cacheMs };
    return password;
  };
}

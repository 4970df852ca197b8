import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";

const managedMasterSecret = z.object({ password: z.string().min(1) });

/** A password read from a rotated secret; `invalidate()` makes the next read fetch it again. */
export type RotatingPassword = (() => Promise<string>) & { invalidate(): void };

/**
 * The master password from its managed secret (Aurora and DocumentDB, rotated every 30 days). Read when a connection
 * opens, cached for a few minutes, so new connections pick up a rotated password without a restart; a client whose
 * new connection is refused invalidates it to read the current one at once.
 */
export function passwordFromSecret(
  secretArn: string,
  cacheMs = 5 * 60_000,
  client: Pick<SecretsManagerClient, "send"> = new SecretsManagerClient({}),
): RotatingPassword {
  let cached: { value: string; until: number } | undefined;
  const read = async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const { password } = managedMasterSecret.parse(JSON.parse(SecretString ?? "{}"));
    cached = { value: password, until: Date.now() + cacheMs };
    return password;
  };
  return Object.assign(read, { invalidate: () => (cached = undefined) });
}

/**
 * Account-level security: the customer-managed KMS key everything is encrypted with, API audit (CloudTrail),
 * compliance checks (AWS Config), the operator token and the 30-day rotation of database credentials.
 */
import { operatorToken } from "@cloudcafe/catalog";
import { managedPolicy, serviceRole } from "./iam.ts";
import { stageName } from "./naming.ts";
import type { StageSettings } from "./stage.ts";

export const SECRET_ROTATION_DAYS = 30;

/** AWS services that write encrypted data with the platform key on our behalf. */
const KEY_SERVICE_PRINCIPALS = [
  "sns.amazonaws.com",
  "sqs.amazonaws.com",
  "cloudwatch.amazonaws.com",
  "budgets.amazonaws.com",
  "cloudtrail.amazonaws.com",
  "events.amazonaws.com",
  // CloudFront reads the web console's objects through origin access control.
  "cloudfront.amazonaws.com",
];

/** EC2 Auto Scaling's service-linked role, which launches instances for Auto Scaling groups and EKS node groups. */
export const autoScalingRoleArn = (accountId: $util.Input<string>) =>
  $interpolate`arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

export function platformKey(settings: StageSettings) {
  const identity = aws.getCallerIdentityOutput();
  const key = new aws.kms.Key("PlatformKey", {
    description: `CloudCafe ${$app.stage} encryption at rest`,
    enableKeyRotation: true,
    deletionWindowInDays: settings.production ? 30 : 7,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: $interpolate`arn:aws:iam::${identity.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "ServicesEncryptForTheAccount",
          Effect: "Allow",
          Principal: { Service: KEY_SERVICE_PRINCIPALS },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": identity.accountId } },
        },
        // "Required AWS KMS key policy for use with encrypted volumes" (EC2 Auto Scaling): the Auto Scaling
        // service-linked role launches the loyalty instances and the EKS nodes with volumes encrypted by this key. Named
        // through a condition, so the policy stays valid in an account where that role does not exist yet.
        {
          Sid: "AutoScalingUsesKeyForVolumes",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalArn": autoScalingRoleArn(identity.accountId) } },
        },
        {
          Sid: "AutoScalingAttachesVolumes",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:CreateGrant",
          Resource: "*",
          Condition: {
            StringEquals: { "aws:PrincipalArn": autoScalingRoleArn(identity.accountId) },
            Bool: { "kms:GrantIsForAWSResource": "true" },
          },
        },
        {
          Sid: "CloudWatchLogsEncrypts",
          Effect: "Allow",
          Principal: { Service: `logs.${settings.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": $interpolate`arn:aws:logs:${settings.region}:${identity.accountId}:*`,
            },
          },
        },
      ],
    }),
  });
  new aws.kms.Alias("PlatformKeyAlias", { name: `alias/${stageName("platform")}`, targetKeyId: key.keyId });
  return key;
}

export type PlatformKey = ReturnType<typeof platformKey>;

/** What a function or service needs to read and write data encrypted with the platform key. */
export function keyUsage(key: PlatformKey) {
  return sst.aws.permission({
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resources: [key.arn],
  });
}

/** Transform for the log groups SST components create, so they are encrypted like ours. */
export function encryptedLogGroup(key: PlatformKey) {
  return (args: aws.cloudwatch.LogGroupArgs): undefined => {
    args.kmsKeyId = key.arn;
  };
}

/** Guards the destructive controls (stress, chaos). Set with `npx sst secret set OperatorToken <value> --stage <stage>`. */
export function operatorTokenSecret() {
  return new sst.Secret(operatorToken.resource);
}

/**
 * Rotates a service-managed master secret (RDS, DocumentDB) every 30 days. Those secrets rotate without a custom
 * Lambda; only the schedule is ours.
 */
export function rotateEvery30Days(name: string, secretArn: $util.Input<string>) {
  return new aws.secretsmanager.SecretRotation(name, {
    secretId: secretArn,
    rotationRules: { automaticallyAfterDays: SECRET_ROTATION_DAYS },
  });
}

/** A bucket nobody reaches publicly, encrypted with the platform key; emptied on removal outside production. */
export function privateBucket(name: string, key: PlatformKey, settings: StageSettings) {
  const bucket = new aws.s3.Bucket(name, { forceDestroy: !settings.production });
  new aws.s3.BucketPublicAccessBlock(`${name}Private`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}Encryption`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  return bucket;
}

/** Bucket policy statement refusing every request that does not come over TLS. */
export function tlsOnly(bucket: aws.s3.Bucket) {
  return {
    Sid: "TlsOnly",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucket.arn, $interpolate`${bucket.arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * The account's audit and compliance baseline, made by one stage per account (stage.ts, CLOUDCAFE_ACCOUNT_BASELINE):
 * `create` makes the one multi-region trail and the Config recorder, delivery channel and rules; `existing` adds the
 * rules to the recorder the account already runs; `none` makes nothing. AWS allows one customer-managed Config
 * recorder per account and region (PutConfigurationRecorder), and only an account's first copy of management events
 * is free (CloudTrail pricing), so stages share these; a stage's events are told apart by their `cloudcafe-<stage>-`
 * resource names.
 */
export function accountBaseline(key: PlatformKey, settings: StageSettings) {
  if (settings.accountBaseline === "none") return;
  if (settings.accountBaseline === "create") {
    auditTrail(key, settings);
    complianceRules(complianceRecorder(key, settings));
    return;
  }
  complianceRules(undefined);
}

/** Account-wide names: the same whichever stage creates them. */
const accountName = (suffix: string) => `${$app.name}-${suffix}`;

/** Multi-region CloudTrail with log file validation, encrypted with the platform key. */
function auditTrail(key: PlatformKey, settings: StageSettings) {
  const identity = aws.getCallerIdentityOutput();
  const bucket = privateBucket("AuditTrailBucket", key, settings);
  const trailName = accountName("audit");
  const trailArn = $interpolate`arn:aws:cloudtrail:${settings.region}:${identity.accountId}:trail/${trailName}`;
  const policy = new aws.s3.BucketPolicy("AuditTrailBucketPolicy", {
    bucket: bucket.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CloudTrailChecksAcl",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: bucket.arn,
          Condition: { StringEquals: { "aws:SourceArn": trailArn } },
        },
        {
          Sid: "CloudTrailWrites",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: $interpolate`${bucket.arn}/AWSLogs/${identity.accountId}/*`,
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
          },
        },
        tlsOnly(bucket),
      ],
    }),
  });
  return new aws.cloudtrail.Trail(
    "AuditTrail",
    {
      name: trailName,
      s3BucketName: bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: key.arn,
    },
    { dependsOn: [policy] },
  );
}

/** Managed AWS Config rules for the controls the architecture promises. */
export const CONFIG_RULES = {
  "vpc-flow-logs-enabled": "VPC_FLOW_LOGS_ENABLED",
  "rds-storage-encrypted": "RDS_STORAGE_ENCRYPTED",
  "dynamodb-pitr-enabled": "DYNAMODB_PITR_ENABLED",
  "restricted-ssh": "INCOMING_SSH_DISABLED",
  "cloudtrail-enabled": "CLOUD_TRAIL_ENABLED",
  "elb-tls-https-listeners-only": "ELB_TLS_HTTPS_LISTENERS_ONLY",
} as const;

function complianceRecorder(key: PlatformKey, settings: StageSettings) {
  const role = serviceRole("ConfigRole", "config.amazonaws.com", [managedPolicy("service-role/AWS_ConfigRole")]);
  const bucket = privateBucket("ConfigBucket", key, settings);
  new aws.iam.RolePolicy("ConfigRoleDelivers", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: $interpolate`${bucket.arn}/*` },
        { Effect: "Allow", Action: "s3:GetBucketAcl", Resource: bucket.arn },
        { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key.arn },
      ],
    }),
  });
  const recorder = new aws.cfg.Recorder("ConfigRecorder", {
    name: accountName("config"),
    roleArn: role.arn,
    recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
  });
  const channel = new aws.cfg.DeliveryChannel(
    "ConfigDelivery",
    { name: accountName("config"), s3BucketName: bucket.id },
    { dependsOn: [recorder] },
  );
  new aws.cfg.RecorderStatus("ConfigRecorderOn", { name: recorder.name, isEnabled: true }, { dependsOn: [channel] });
  return recorder;
}

/** The managed rules, account-wide like the recorder they need (ours, or the account's own for `existing`). */
function complianceRules(recorder: aws.cfg.Recorder | undefined) {
  for (const [ruleName, identifier] of Object.entries(CONFIG_RULES)) {
    new aws.cfg.Rule(
      `ConfigRule-${ruleName}`,
      { name: accountName(ruleName), source: { owner: "AWS", sourceIdentifier: identifier } },
      recorder ? { dependsOn: [recorder] } : {},
    );
  }
}

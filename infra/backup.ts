/**
 * Disaster recovery beyond the engines' own automated backups (Aurora 7 days, DynamoDB PITR, Redshift Serverless
 * recovery points every 30 minutes kept a day): an AWS Backup plan taking daily snapshots of the critical and
 * important stores into an encrypted vault, kept longer in production, and the weekly manual snapshot of the analytics
 * warehouse the architecture asks for. The snapshot before a production deploy is `npm run deploy:production`
 * (infra/scripts/pre-deploy-snapshots.ts).
 */
import { managedPolicy, serviceRole } from "./iam.ts";
import { stageName } from "./naming.ts";
import type { PlatformKey } from "./security.ts";
import type { StageSettings } from "./stage.ts";

export const BACKUP_SCHEDULE = "cron(0 5 * * ? *)";
export const backupRetentionDays = (settings: StageSettings) => (settings.production ? 35 : 7);

/** Weekly, Sunday 04:00 UTC, before the daily AWS Backup run. */
export const WAREHOUSE_SNAPSHOT_SCHEDULE = "cron(0 4 ? * SUN *)";
/** Four weekly snapshots are kept. */
export const WAREHOUSE_SNAPSHOT_RETENTION_DAYS = 28;
/** EventBridge Scheduler's universal target for Redshift Serverless CreateSnapshot. */
export const CREATE_WAREHOUSE_SNAPSHOT = "arn:aws:scheduler:::aws-sdk:redshiftserverless:createSnapshot";

export function backupPlan(
  resourceArns: $util.Input<string>[],
  warehouse: aws.redshiftserverless.Namespace | undefined,
  key: PlatformKey,
  settings: StageSettings,
) {
  if (warehouse) weeklyWarehouseSnapshot(warehouse, settings);
  const vault = new aws.backup.Vault("BackupVault", {
    name: stageName("backups"),
    kmsKeyArn: key.arn,
    forceDestroy: !settings.production,
  });
  const plan = new aws.backup.Plan("BackupPlan", {
    name: stageName("daily"),
    rules: [
      {
        ruleName: "daily",
        targetVaultName: vault.name,
        schedule: BACKUP_SCHEDULE,
        lifecycle: { deleteAfter: backupRetentionDays(settings) },
      },
    ],
  });
  const role = serviceRole("BackupRole", "backup.amazonaws.com", [
    managedPolicy("service-role/AWSBackupServiceRolePolicyForBackup"),
    managedPolicy("service-role/AWSBackupServiceRolePolicyForRestores"),
  ]);
  new aws.backup.Selection("BackupSelection", {
    name: stageName("stores"),
    planId: plan.id,
    iamRoleArn: role.arn,
    resources: resourceArns,
  });
  return plan;
}

/** A manual Redshift Serverless snapshot every week, named after the run, kept four weeks. */
function weeklyWarehouseSnapshot(warehouse: aws.redshiftserverless.Namespace, settings: StageSettings) {
  const role = serviceRole("WarehouseSnapshotRole", "scheduler.amazonaws.com");
  new aws.iam.RolePolicy("WarehouseSnapshotRoleSnapshots", {
    role: role.id,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "redshift-serverless:CreateSnapshot",
          Resource: [
            warehouse.arn,
            $interpolate`arn:aws:redshift-serverless:${settings.region}:${aws.getCallerIdentityOutput().accountId}:snapshot/*`,
          ],
        },
      ],
    }),
  });
  return new aws.scheduler.Schedule("WarehouseWeeklySnapshot", {
    name: stageName("warehouse-weekly-snapshot"),
    scheduleExpression: WAREHOUSE_SNAPSHOT_SCHEDULE,
    flexibleTimeWindow: { mode: "OFF" },
    target: {
      arn: CREATE_WAREHOUSE_SNAPSHOT,
      roleArn: role.arn,
      input: $jsonStringify({
        NamespaceName: warehouse.namespaceName,
        SnapshotName: "weekly-<aws.scheduler.execution-id>",
        RetentionPeriod: WAREHOUSE_SNAPSHOT_RETENTION_DAYS,
      }),
    },
  });
}

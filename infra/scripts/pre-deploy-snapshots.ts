/**
 * `npm run deploy:production`: the architecture's "manual snapshots before major deployments", then the deploy.
 * Snapshots the production stores the program creates (Aurora, DocumentDB, the DynamoDB tables, the Redshift
 * Serverless namespace) with the AWS CLI, waits for the Aurora snapshot, and only then runs `sst deploy`. Names come
 * from the catalog and naming rules the program uses, so a renamed store cannot be skipped silently.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { analyticsWarehouse, tables } from "@cloudcafe/catalog";
import { APP_NAME, PRODUCTION_STAGE } from "../stage.ts";

const name = (stage: string, suffix: string) => `${APP_NAME}-${stage}-${suffix}`;

/** The AWS CLI calls that snapshot `stage`'s stores, labelled with `label` (a timestamp). */
export function snapshotCommands(stage: string, label: string): string[][] {
  const id = `pre-deploy-${label}`;
  return [
    ["rds", "create-db-cluster-snapshot", "--db-cluster-identifier", name(stage, "aurora"), "--db-cluster-snapshot-identifier", `${name(stage, "aurora")}-${id}`],
    ["docdb", "create-db-cluster-snapshot", "--db-cluster-identifier", name(stage, "docdb"), "--db-cluster-snapshot-identifier", `${name(stage, "docdb")}-${id}`],
    ...Object.values(tables).map((table) => ["dynamodb", "create-backup", "--table-name", name(stage, table.name), "--backup-name", `${name(stage, table.name)}-${id}`]),
    [
      "redshift-serverless",
      "create-snapshot",
      "--namespace-name",
      name(stage, analyticsWarehouse.workgroupSuffix),
      "--snapshot-name",
      `${name(stage, analyticsWarehouse.workgroupSuffix)}-${id}`,
    ],
    ["rds", "wait", "db-cluster-snapshot-available", "--db-cluster-snapshot-identifier", `${name(stage, "aurora")}-${id}`],
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const label = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-").toLowerCase();
  for (const command of snapshotCommands(PRODUCTION_STAGE, label)) {
    console.log(`aws ${command.join(" ")}`);
    execFileSync("aws", command, { stdio: "inherit" });
  }
  execFileSync("npx", ["sst", "deploy", "--stage", PRODUCTION_STAGE], { stdio: "inherit" });
}

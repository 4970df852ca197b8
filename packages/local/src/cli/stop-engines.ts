/**
 * `npx tsx packages/local/src/cli/stop-engines.ts`: stops the engines test runs left running for reuse
 * (DynamoDB Local, fauxqs, kinesalite). PostgreSQL and Redis are system services and keep running.
 */
import { readLocalConfig } from "../config.ts";
import { stopRecordedDaemons } from "../process/daemons.ts";

const stopped = await stopRecordedDaemons(readLocalConfig().stateDir);
console.log(stopped.length > 0 ? `[local] stopped ${stopped.join(", ")}` : "[local] no recorded engine daemons are running");
